// The layers of src/, lowest first (README "Layout", STYLE.md "Layers point
// one way"): oci → collect → formats → normalize → trust → archive → verify →
// gate/export → cli, on a ground layer that every layer may use. A unit (a
// folder of src/, or a file at its top) may import its own files and units of
// lower layers; never a unit of its own layer, nor of a higher one. Only the
// ground's units import each other. One table for both guards:
// eslint.config.js turns it into no-restricted-imports rules (npm run lint),
// test/layers.test.ts checks the whole import graph against it, dynamic
// imports included, and refuses cycles between folders and between files.

/** @typedef {{ name: string, units: readonly string[] }} Layer */

/** @type {readonly Layer[]} */
export const LAYERS = [
  // Hashing and checksum lines, atomic writes, input limits and JSON scanning, the archive's on-disk names, text tables; the data model and errors.
  { name: 'ground', units: ['lib', 'errors.ts', 'types.ts', 'problem-codes.ts', 'schemas.ts', 'version.ts'] },
  { name: 'oci', units: ['oci'] },
  { name: 'collect', units: ['collect'] },
  { name: 'formats', units: ['formats'] },
  { name: 'normalize', units: ['normalize'] },
  { name: 'trust', units: ['trust'] },
  { name: 'archive', units: ['archive'] },
  { name: 'verify', units: ['verify'] },
  { name: 'gate/export', units: ['gate', 'export'] },
  // Readers of verified days, from the branches merged beside this one (h-report: days, report, diff; h-index: query).
  { name: 'days/query', units: ['days', 'query'] },
  { name: 'report/diff', units: ['report', 'diff'] },
  { name: 'api', units: ['index.ts'] },
  { name: 'cli', units: ['cli'] },
];

/** The layer whose units may import each other. */
export const GROUND = 'ground';

/** Imports the order allows that are refused all the same. */
export const FORBIDDEN = [
  { from: ['verify', 'gate'], to: ['archive'], why: "reads the archive's format (src/lib/archive-format.ts, src/lib/hash.ts), never its writer" },
];

/** The unit of a path relative to src/ (`lib/hash.ts` → `lib`, `types.ts` → `types.ts`). */
export function unitOf(relativePath) {
  const slash = relativePath.indexOf('/');
  return slash < 0 ? relativePath : relativePath.slice(0, slash);
}

/** The index in LAYERS of a unit's layer, or -1 for a unit no layer names. */
export function layerOf(unit) {
  return LAYERS.findIndex((layer) => layer.units.includes(unit));
}

/** Why `from` may not import `to` (both units), or undefined when it may. */
export function refusal(from, to) {
  if (from === to) return undefined;
  const own = layerOf(from);
  const other = layerOf(to);
  if (own < 0 || other < 0) return `${own < 0 ? from : to} is in no layer (scripts/lib/layers.mjs)`;
  if (other > own) return `${LAYERS[own].name} is below ${LAYERS[other].name}`;
  if (other === own && LAYERS[own].name !== GROUND) return `${from} and ${to} are both ${LAYERS[own].name}: neither imports the other`;
  const rule = FORBIDDEN.find((f) => f.from.includes(from) && f.to.includes(to));
  return rule ? `${from} ${rule.why}` : undefined;
}

/** Every unit, in layer order. */
export function allUnits() {
  return LAYERS.flatMap((layer) => layer.units);
}
