import { describe, expect, it } from 'vitest';
import { EXIT, EXIT_CODES } from '../../src/cli/exit-codes.js';
import { CustodyError, isUsageError, USAGE_ERROR_CODES, type ErrorCode } from '../../src/errors.js';

describe('error classes and exit codes', () => {
  // Library code (gate --live) decides from the error's class, the CLI from its table: they must agree.
  it('exits 2 for exactly the usage error codes', () => {
    for (const code of Object.keys(EXIT_CODES) as ErrorCode[]) {
      const usage = (USAGE_ERROR_CODES as readonly string[]).includes(code);
      expect(EXIT_CODES[code].exit === EXIT.usage, code).toBe(usage);
      expect(isUsageError(new CustodyError(code, 'x')), code).toBe(usage);
    }
  });

  it('isUsageError is false for anything but a CustodyError', () => {
    expect(isUsageError(new Error('USAGE'))).toBe(false);
    expect(isUsageError({ code: 'USAGE' })).toBe(false);
  });
});
