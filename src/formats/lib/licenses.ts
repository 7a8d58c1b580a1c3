/**
 * Licence identifiers named by SPDX licence expressions (SPDX 2.3 Annex D):
 * operators, exceptions after WITH, parentheses, NONE and NOASSERTION are
 * not licences. Used for the SBOM summary's `licenseCount`.
 */
const memo = new Map<string, string[]>();
const MEMO_LIMIT = 10_000;

export function addLicenseIds(expression: unknown, into: Set<string>): void {
  if (typeof expression !== 'string' || expression.length === 0) return;
  // SBOMs repeat the same few expressions on thousands of packages: tokenise each once.
  const known = memo.get(expression);
  if (known) {
    for (const id of known) into.add(id);
    return;
  }
  const ids = licenseIdsOf(expression);
  if (memo.size < MEMO_LIMIT && expression.length < 512) memo.set(expression, ids);
  for (const id of ids) into.add(id);
}

function licenseIdsOf(expression: string): string[] {
  const into: string[] = [];
  const tokens = expression.replace(/[()]/g, ' ').split(/\s+/);
  let afterWith = false;
  for (const token of tokens) {
    if (!token) continue;
    const upper = token.toUpperCase();
    if (afterWith) {
      afterWith = false;
      continue;
    }
    if (upper === 'WITH') {
      afterWith = true;
      continue;
    }
    if (upper === 'AND' || upper === 'OR' || upper === 'NONE' || upper === 'NOASSERTION') continue;
    into.push(token);
  }
  return into;
}
