import { TrustedRoot } from '@sigstore/protobuf-specs';
import { DEFAULT_MIRROR_URL, getTrustedRoot } from '@sigstore/tuf';
import { CustodyError } from '../errors.js';
import { openRegularFile } from '../lib/read-file.js';

export interface TrustedRootFetch {
  /** TUF repository; the Sigstore public-good one by default. */
  mirrorURL?: string;
  /** A TUF root.json to start from, for a private repository (the public-good one is embedded). */
  tufRootPath?: string;
  /** Where the TUF client keeps its metadata between runs. */
  cachePath: string;
  timeoutMs?: number;
}

/**
 * The one place custody goes to the network for trust material, and only
 * when the user runs `custody fetch-trusted-root`: the trusted root is
 * fetched through TUF (every metadata file checked against the root of
 * trust: signatures, versions, expiry, hashes) and returned as
 * `trusted_root.json` text, to be kept and passed with --trusted-root.
 */
export async function fetchTrustedRoot(options: TrustedRootFetch): Promise<string> {
  const mirrorURL = options.mirrorURL ?? DEFAULT_MIRROR_URL;
  if (options.tufRootPath !== undefined) {
    // The TUF client reads the file by its name: make sure first that it is a regular file (a FIFO would hang it).
    const { handle } = await openRegularFile(options.tufRootPath, { what: '--tuf-root', maxBytes: 16 * 1024 * 1024 });
    await handle.close();
  }
  let root: TrustedRoot;
  try {
    root = await getTrustedRoot({
      mirrorURL,
      cachePath: options.cachePath,
      ...(options.tufRootPath !== undefined ? { rootPath: options.tufRootPath, forceInit: true } : {}),
      timeout: options.timeoutMs ?? 30_000,
      retry: 2,
    });
  } catch (err) {
    const message = describe(err);
    const network =
      /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|ECONNRESET|fetch|timed out|network/i.test(message) &&
      !/signature|threshold|expired|hash|length/i.test(message);
    throw new CustodyError(network ? 'NETWORK' : 'VERIFICATION_FAILED', `cannot fetch the trusted root through TUF from ${mirrorURL}: ${message}`, {
      cause: err,
    });
  }
  return `${JSON.stringify(TrustedRoot.toJSON(root), null, 2)}\n`;
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}
