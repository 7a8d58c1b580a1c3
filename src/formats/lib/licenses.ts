/**
 * Licence identifiers named by SPDX licence expressions (SPDX 2.3 Annex D):
 * operators, exceptions after WITH, parentheses, NONE and NOASSERTION are
 * not licences. Used for the SBOM summary's `licenseCount`.
 */
export function addLicenseIds(expression: unknown, into: Set<string>): void {
  if (typeof expression !== 'string' || expression.length === 0) return;
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
    into.add(token);
  }
}
