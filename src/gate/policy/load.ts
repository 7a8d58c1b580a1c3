import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument, isMap, isScalar } from 'yaml';
import { CustodyError } from '../../errors.js';
import { oneLine } from '../../lib/escape.js';
import { readRegularFile } from '../../lib/read-file.js';
import type { PolicyProblem } from './types.js';
import { checkSemantics } from './semantics.js';
import { schemaProblems } from './schema-problems.js';
import { toPolicy } from './resolve.js';
import type { Policy, RuleName } from './types.js';
import { RULE_NAMES } from './types.js';

/** A policy is a small hand-written file; anything larger is a mistake. */
const MAX_POLICY_BYTES = 1024 * 1024;

/**
 * Read a policy file (YAML, or JSON, which YAML 1.2 reads too), validate it
 * against schemas/policy.schema.json and check what a schema cannot say
 * (regexps compile, key files exist and parse, attestations have signers).
 * Every problem is reported at once in one INVALID_POLICY error naming the
 * file; nothing is ever defaulted into permissiveness.
 */
export async function loadPolicy(path: string): Promise<Policy> {
  const text = await readPolicyText(path);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true, version: '1.2', strict: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((error): PolicyProblem => {
      const at = error.linePos?.[0];
      const first = (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
      return { code: 'syntax', path: '', message: `${at ? `line ${at.line}, column ${at.col}: ` : ''}${oneLine(first)}` };
    });
    throw invalid(path, problems);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw invalid(path, [{ code: 'syntax', path: '', message: err instanceof Error ? err.message : String(err) }]);
  }
  const base = dirname(resolve(path));
  const problems = [...schemaProblems(value), ...(await checkSemantics(value, base))];
  if (problems.length > 0) throw invalid(path, problems);
  const policy = toPolicy(value, path, base);
  policy.lines = ruleLines(doc, lineCounter);
  return policy;
}

async function readPolicyText(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readRegularFile(path, { what: 'policy', maxBytes: MAX_POLICY_BYTES, code: 'INVALID_POLICY' });
  } catch (err) {
    // A policy is a small hand-written file: one that is too large is an invalid policy too.
    if (err instanceof CustodyError && err.code === 'INPUT_TOO_LARGE') throw new CustodyError('INVALID_POLICY', `${err.message}: more than a policy can be`);
    throw err;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CustodyError('INVALID_POLICY', `policy ${path} is not UTF-8 text`);
  }
}

/** One line naming the file and every problem: `policy p.yaml is invalid (2 problems): /a …; /b …`. */
function invalid(path: string, problems: PolicyProblem[]): CustodyError {
  const list = problems.map((p) => oneLine(p.message)).join('; ');
  return new CustodyError('INVALID_POLICY', `policy ${path} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}): ${list}`, {
    details: { policy: path, problems },
  });
}

/** Where each rule starts in the file, so SARIF can point at it. */
function ruleLines(doc: ReturnType<typeof parseDocument>, lineCounter: LineCounter): Partial<Record<RuleName, number>> {
  const lines: Partial<Record<RuleName, number>> = {};
  const rules = isMap(doc.contents) ? doc.contents.get('rules', true) : undefined;
  if (!isMap(rules)) return lines;
  for (const pair of rules.items) {
    const key = pair.key;
    if (!isScalar(key) || typeof key.value !== 'string' || !key.range) continue;
    if ((RULE_NAMES as readonly string[]).includes(key.value)) lines[key.value as RuleName] = lineCounter.linePos(key.range[0]).line;
  }
  return lines;
}
