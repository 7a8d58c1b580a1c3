import { CustodyError } from '../../src/errors.js';

/** The CustodyError a promise rejects with (anything else fails the test). */
export async function rejection(promise: Promise<unknown>): Promise<CustodyError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof CustodyError) return err;
    throw err;
  }
  throw new Error('expected a CustodyError');
}

/** `[code, message]` of the CustodyError a promise rejects with, or `[undefined, '']` when it resolves. */
export async function codeOf(promise: Promise<unknown>): Promise<[string | undefined, string]> {
  try {
    await promise;
  } catch (err) {
    if (!(err instanceof CustodyError)) throw err;
    return [err.code, err.message];
  }
  return [undefined, ''];
}
