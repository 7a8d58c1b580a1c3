/**
 * One error class with a stable code per failure. Codes are grouped by what
 * the user can do about them; src/cli/exit-codes.ts maps them to exit codes.
 */

/** The input or the invocation is wrong: fix the command or the file. */
export const USAGE_ERROR_CODES = [
  'USAGE',
  'INVALID_REFERENCE',
  'INVALID_INPUT',
  'INPUT_TOO_LARGE',
  'FILE_UNREADABLE',
  'NOT_A_BUNDLE',
  'INVALID_POLICY',
  'INVALID_KEY',
  'ARCHIVE_UNSAFE',
] as const;
export type UsageErrorCode = (typeof USAGE_ERROR_CODES)[number];

/** Something outside custody failed; nothing could be judged. */
export type OperationalErrorCode = 'NETWORK' | 'TIMEOUT' | 'AUTH' | 'NOT_FOUND' | 'REGISTRY' | 'DISK' | 'LOCKED';

/** custody looked and found something wrong. */
export type FindingErrorCode =
  'DIGEST_MISMATCH' | 'SIZE_MISMATCH' | 'BODY_TOO_LARGE' | 'VERIFICATION_FAILED' | 'POLICY_FAILED' | 'EVIDENCE_INVALID' | 'IMAGE_FAILED';

export type ErrorCode = UsageErrorCode | OperationalErrorCode | FindingErrorCode;

export class CustodyError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CustodyError';
    this.code = code;
    this.details = options?.details;
  }
}

export function isCustodyError(value: unknown, code?: ErrorCode): value is CustodyError {
  return value instanceof CustodyError && (code === undefined || value.code === code);
}

/** A usage error: the input or the invocation is wrong (the CLI exits 2). */
export function isUsageError(value: unknown): value is CustodyError & { code: UsageErrorCode } {
  return value instanceof CustodyError && (USAGE_ERROR_CODES as readonly string[]).includes(value.code);
}

/** System errors that say the path given cannot be used as input (exit 2); any other is a disk failure (exit 3). */
const INPUT_ERRNOS = new Set(['ENOENT', 'EACCES', 'EISDIR', 'EPERM', 'ENOTDIR', 'ELOOP', 'ENAMETOOLONG', 'ENXIO']);

/** Map a Node system error (ENOENT, EACCES, ENOSPC...) on `path` to a CustodyError. */
export function fromFsError(err: unknown, path: string, action: string): CustodyError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const reason = code ?? (err instanceof Error ? err.message : String(err));
  if (code !== undefined && INPUT_ERRNOS.has(code)) {
    return new CustodyError('FILE_UNREADABLE', `cannot ${action} ${path}: ${reason}`, { cause: err });
  }
  return new CustodyError('DISK', `cannot ${action} ${path}: ${reason}`, { cause: err });
}
