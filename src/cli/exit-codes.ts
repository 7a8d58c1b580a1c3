import type { ErrorCode } from '../errors.js';

/** The exit codes every command uses (DESIGN.md). */
export const EXIT = {
  ok: 0,
  finding: 1,
  usage: 2,
  operational: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * The one table from error codes to exit codes. The README's table is
 * tested against this one (test/cli/exit-codes.test.ts).
 */
export const EXIT_CODES: Record<ErrorCode, { exit: ExitCode; meaning: string }> = {
  USAGE: { exit: EXIT.usage, meaning: 'unknown flag, missing argument, conflicting options' },
  INVALID_REFERENCE: { exit: EXIT.usage, meaning: 'malformed image reference' },
  INVALID_INPUT: { exit: EXIT.usage, meaning: 'an input file is not what the command needs' },
  INPUT_TOO_LARGE: { exit: EXIT.usage, meaning: 'an input file is over the size limit (--max-bytes)' },
  FILE_UNREADABLE: { exit: EXIT.usage, meaning: 'an input file cannot be read' },
  NOT_A_BUNDLE: { exit: EXIT.usage, meaning: 'the path is not a custody archive, day, image folder or export' },
  INVALID_POLICY: { exit: EXIT.usage, meaning: 'the policy file is unreadable or does not match its schema' },
  INVALID_KEY: { exit: EXIT.usage, meaning: 'a key, certificate or trusted root cannot be parsed' },
  ARCHIVE_UNSAFE: { exit: EXIT.usage, meaning: 'the archive folder holds a symbolic link or a non-regular file where custody would write' },
  NETWORK: { exit: EXIT.operational, meaning: 'connection failed after retries' },
  TIMEOUT: { exit: EXIT.operational, meaning: 'a request timed out after retries' },
  AUTH: { exit: EXIT.operational, meaning: 'the registry refused the credentials' },
  NOT_FOUND: { exit: EXIT.operational, meaning: 'the image or repository does not exist' },
  REGISTRY: { exit: EXIT.operational, meaning: 'the registry answered with an error after retries' },
  DISK: { exit: EXIT.operational, meaning: 'the archive cannot be written' },
  LOCKED: { exit: EXIT.operational, meaning: 'another run holds the archive lock' },
  DIGEST_MISMATCH: { exit: EXIT.finding, meaning: 'fetched bytes do not match their digest' },
  SIZE_MISMATCH: { exit: EXIT.finding, meaning: 'fetched bytes do not match their declared size' },
  BODY_TOO_LARGE: { exit: EXIT.finding, meaning: 'a registry body is over the size limit' },
  VERIFICATION_FAILED: { exit: EXIT.finding, meaning: 'an archive or signature does not verify' },
  POLICY_FAILED: { exit: EXIT.finding, meaning: 'an enforced policy rule failed' },
  EVIDENCE_INVALID: { exit: EXIT.finding, meaning: 'evidence was archived but is invalid' },
  IMAGE_FAILED: { exit: EXIT.finding, meaning: 'an image failed while others were archived' },
};

export function exitCodeFor(code: ErrorCode): ExitCode {
  return EXIT_CODES[code]?.exit ?? EXIT.operational;
}
