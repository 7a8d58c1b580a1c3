import { CustodyError } from '../../errors.js';
import { readRegularFile } from '../../lib/read-file.js';
import { DEFAULT_LIMITS } from '../../lib/limits.js';
import { loadTrustMaterial, verifyEvidence } from '../../trust/index.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { shown } from '../../lib/escape.js';
import { printError, printJson, printWarning, type Io } from '../output.js';
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
  return readRegularFile(path, { what, maxBytes: DEFAULT_LIMITS.maxBytes, limitHint: '(set --max-bytes)' });
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
  for (const warning of trust.warnings) printWarning(io, warning);
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
    const who = verdict.identity
      ? [verdict.identity.san, verdict.identity.issuer, verdict.identity.subject, verdict.identity.keyHint && `key ${verdict.identity.keyHint}`]
          .filter(Boolean)
          .join(', ')
      : '';
    io.out(
      `${verdict.verified ? 'VERIFIED' : shown`NOT VERIFIED (${verdict.code ?? '?'})`}  ${shown`${args.file}`}${who ? shown`  signer: ${who}` : ''}\n${shown`  ${verdict.reason}`}\n`,
    );
  }
  if (verdict.verified) return EXIT.ok;
  printError(io, `${args.file} does not verify: ${verdict.code ?? ''} ${verdict.reason}`);
  return EXIT.finding;
}
