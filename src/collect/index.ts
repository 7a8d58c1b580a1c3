export { collect } from './collect.js';
export { discover } from './discover.js';
export { isAttestationManifest } from './buildkit.js';
export type { Collection, DiscoverOptions, DiscoveredNode, DiscoveryResult } from './types.js';
export { openSource } from '../oci/open-source.js';
export type { Source, SourceOptions, ReferrersListing, ListReferrersOptions } from '../oci/source.js';
export { RegistrySession } from '../oci/registry/session.js';
