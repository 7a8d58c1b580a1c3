export { collect } from './collect.js';
export { discover } from './discover.js';
export { isAttestationManifest } from './buildkit.js';
export type { BlobSpool, CollectOptions, Collection, DiscoverOptions, DiscoveredNode, DiscoveryResult } from './types.js';
export { openSource } from '../oci/open-source.js';
export type { BlobSink, Source, SourceOptions, ReferrersListing, ListReferrersOptions } from '../oci/source.js';
export { RegistrySession } from '../oci/registry/session.js';
