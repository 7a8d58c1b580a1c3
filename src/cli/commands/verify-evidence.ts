import { readFile } from 'node:fs/promises';
import { CustodyError, fromFsError } from '../../errors.js';
import { isDigest } from '../../oci/reference.js';
import { loadTrustMaterial, verifyEvidence } from '../../trust/index.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { printJson, type Io } from '../output.js';
import { toTrustOptions, type TrustArgs } from '../trust-flags.js';

export interface VerifyEvidenceArgs extends TrustArgs {
  file: string;
  artifact?: string;
  digest?: string;
  mediaType?: string;
  annotations?: string;
  notationScope?: string;
  json: boolean;
}


async function readInput(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw fromFsError(err, path, `read ${what}`);
  }
}

/** The `mediaType` an OCI manifest or index artifact declares about itself (a Notation payload must name the same). */
function declaredMediaType(artifact: Buffer): string | undefined {
  if (artifact[0] !== 0x7b) return undefined;
  try {
    const json = JSON.parse(artifact.toString('utf8')) as { mediaType?: unknown; schemaVersion?: unknown };
    return json.schemaVersion === 2 && typeof json.mediaType === 'string' ? json.mediaType : undefined;
  } catch {
    return undefined;
  }
}

export async function runVerifyEvidence(args: VerifyEvidenceArgs, io: Io): Promise<ExitCode> {
  if (args.digest !== undefined && args.digest.startsWith('sha') && !isDigest(args.digest)) {
    throw new CustodyError('USAGE', `--digest "${args.digest}" is not sha256:<64 hex>`);
  }
  const bytes = await readInput(args.file, 'evidence');
  const artifact = args.artifact !== undefined ? await readInput(args.artifact, 'artifact') : undefined;
  let annotations: Record<string, string> | undefined;
  if (args.annotations !== undefined) {
    try {
      annotations = JSON.parse((await readInput(args.annotations, 'annotations')).toString('utf8')) as Record<string, string>;
    } catch (err) {
      if (err instanceof CustodyError) throw err;
      throw new CustodyError('INVALID_INPUT', `${args.annotations} is not a JSON object of annotations`);
    }
  }
  const trust = await loadTrustMaterial(toTrustOptions(args));
  for (const warning of trust.warnings) io.err(`custody: warning: ${warning}\n`);
  const artifactMediaType = artifact ? declaredMediaType(artifact) : undefined;
  const verdict = await verifyEvidence(
    { bytes, mediaType: args.mediaType ?? '', ...(annotations ? { annotations } : {}) },
    {
      ...(args.digest !== undefined ? { digest: args.digest } : {}),
      ...(artifact ? { artifact } : {}),
      ...(artifactMediaType !== undefined ? { mediaType: artifactMediaType } : {}),
    },
    trust,
    args.notationScope !== undefined ? { scope: args.notationScope } : {},
  );
  if (verdict.code === 'malformed') {
    if (args.json) printJson(io, verdict);
    throw new CustodyError('INVALID_INPUT', `${args.file}: ${verdict.reason}`);
  }
  if (args.json) printJson(io, verdict);
  else {
    const who = verdict.identity ? [verdict.identity.san, verdict.identity.issuer, verdict.identity.subject, verdict.identity.keyHint && `key ${verdict.identity.keyHint}`].filter(Boolean).join(', ') : '';
    io.out(`${verdict.verified ? 'VERIFIED' : `NOT VERIFIED (${verdict.code ?? '?'})`}  ${args.file}${who ? `  signer: ${who}` : ''}\n  ${verdict.reason}\n`);
  }
  if (verdict.verified) return EXIT.ok;
  io.err(`custody: ${args.file} does not verify: ${verdict.code ?? ''} ${verdict.reason}\n`);
  return EXIT.finding;
}
