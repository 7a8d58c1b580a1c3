// The demo's custody commands (npm run demo, and the README's demo output):
// archive the bundled examples into artifacts/, verify the day and write its
// report (reports/, outside the archive root: a root holds only days). No
// network: an OCI layout on disk (a two-platform image with SBOM referrers,
// a cosign signature tag and BuildKit attestations), then local evidence
// files for a second image with --no-discover. Run from the repository root.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `examples`: the folder holding examples/; `date`: the day the run writes (today, UTC). */
export function demoSteps(examples, date) {
  const ref = readFileSync(join(examples, 'evidence', 'IMAGE'), 'utf8').trim();
  return [
    ['discover', 'oci:examples/layout:1.0'],
    ['archive', 'oci:examples/layout:1.0', '--key', 'examples/cosign.pub', '--root', 'artifacts'],
    [
      'archive',
      '--no-discover',
      ref,
      '--evidence',
      'examples/evidence/sbom.spdx.json',
      '--evidence',
      'examples/evidence/sbom.cdx.json',
      '--evidence',
      'examples/evidence/provenance.intoto.json',
      '--evidence',
      'examples/evidence/scan.trivy.json',
      '--root',
      'artifacts',
    ],
    ['verify', `artifacts/${date}`],
    ['report', `artifacts/${date}`, '--out', `reports/${date}.html`],
  ];
}
