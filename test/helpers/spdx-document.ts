/** The top-level fields of a minimal valid SPDX 2.3 JSON document (without its packages, files and relationships). */
export const SPDX_HEAD = {
  spdxVersion: 'SPDX-2.3',
  dataLicense: 'CC0-1.0',
  SPDXID: 'SPDXRef-DOCUMENT',
  name: 'app',
  documentNamespace: 'https://example.com/app',
  creationInfo: { created: '2026-01-01T00:00:00Z', creators: ['Tool: syft-1.0.0'] },
} as const;

/** Package `i` of a generated SPDX 2.3 document (`SPDXRef-P<i>`, named `p<i>`), with `extra` fields over it. */
export const spdxPackage = (i: number, extra: Record<string, unknown> = {}) => ({
  SPDXID: `SPDXRef-P${i}`,
  name: `p${i}`,
  downloadLocation: 'NOASSERTION',
  licenseConcluded: 'MIT',
  ...extra,
});
