import { clair } from './clair.js';
import { cosignSimpleSigning } from './cosign-simplesigning.js';
import { cyclonedx } from './cyclonedx.js';
import { cyclonedxXml } from './cyclonedx-xml.js';
import { dsse } from './dsse.js';
import type { Format } from './format.js';
import { gcbProvenance } from './gcb-provenance.js';
import { grype } from './grype.js';
import { inToto } from './in-toto.js';
import { inTotoMetadata } from './in-toto-metadata.js';
import { notation } from './notation.js';
import { npmAttestations } from './npm-attestations.js';
import { ociConfig } from './oci-config.js';
import { ociIndex } from './oci-index.js';
import { ociManifest } from './oci-manifest.js';
import { openvex } from './openvex.js';
import { sarif } from './sarif.js';
import { sigstoreBundle } from './sigstore-bundle.js';
import { spdx } from './spdx.js';
import { spdxTagValue } from './spdx-tag-value.js';
import { spdxYaml } from './spdx-yaml.js';
import { spdx3 } from './spdx3.js';
import { syft } from './syft.js';
import { trivy } from './trivy.js';

/**
 * Every format custody recognises, in detection order: when two formats
 * recognise the same content, the earlier one wins (a media-type match
 * always beats a content match). A new format is one file and one line here.
 *
 * Order matters where markers overlap: SPDX 3 before SPDX 2 (they share a
 * media type); Sigstore bundles, npm and GCB documents before bare DSSE and
 * in-toto (they contain them); OCI indexes before manifests.
 */
export const FORMATS: readonly Format[] = [
  spdx3,
  spdx,
  spdxTagValue,
  spdxYaml,
  cyclonedx,
  cyclonedxXml,
  sigstoreBundle,
  npmAttestations,
  gcbProvenance,
  dsse,
  inToto,
  inTotoMetadata,
  cosignSimpleSigning,
  notation,
  openvex,
  sarif,
  trivy,
  grype,
  syft,
  clair,
  ociIndex,
  ociManifest,
  ociConfig,
];
