import { isRecord, str } from './bytes.js';
import type { TargetMatcher } from './target.js';
import { finding, type Finding } from './verdict.js';

const STATEMENT_TYPES = new Set(['https://in-toto.io/Statement/v0.1', 'https://in-toto.io/Statement/v1']);

/** in-toto Statement (v0.1, v1): one of `subject[].digest` must be the target. */
export function matchStatementSubject(statement: unknown, matcher: TargetMatcher): Finding {
  if (!isRecord(statement)) return finding('malformed', 'in-toto statement is not a JSON object');
  const type = str(statement._type);
  if (!type || !STATEMENT_TYPES.has(type)) return finding('malformed', `in-toto _type ${JSON.stringify(statement._type)} is not a Statement`);
  if (!Array.isArray(statement.subject) || statement.subject.length === 0) {
    return finding('subject-mismatch', 'in-toto statement has no subject');
  }
  const names: string[] = [];
  for (const subject of statement.subject) {
    if (!isRecord(subject) || !isRecord(subject.digest)) continue;
    for (const [algorithm, hex] of Object.entries(subject.digest)) {
      if (typeof hex === 'string' && matcher.matches(algorithm, hex)) return undefined;
    }
    names.push(str(subject.name) ?? '(unnamed)');
  }
  const shown = names.slice(0, 3).join(', ') + (names.length > 3 ? `, … (${names.length})` : '');
  return finding('subject-mismatch', `in-toto statement subjects (${shown}) do not include ${matcher.describe}`);
}
