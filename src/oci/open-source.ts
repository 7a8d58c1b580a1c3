import type { ImageReference } from './reference.js';
import { LayoutSource } from './layout.js';
import { RegistrySource } from './registry/registry-source.js';
import type { Source, SourceOptions } from './source.js';

/** The Source for a reference: a registry repository or an OCI layout folder. */
export function openSource(ref: ImageReference, options: SourceOptions = {}): Source {
  return ref.type === 'registry' ? new RegistrySource(ref, options) : new LayoutSource(ref.path, options);
}
