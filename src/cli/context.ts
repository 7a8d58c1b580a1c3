import type { CollectContext, CollectedImage, Collector } from '../archive/archive.js';
import type { AnyRaw } from '../types.js';
import type { SourceOptions } from '../oci/source.js';
import type { ImageReference } from '../oci/reference.js';

/** What a run needs to reach images: a collector and a cheap tag resolver, sharing one registry session. */
export interface Collecting {
  collect: Collector;
  resolve: (ref: ImageReference) => Promise<string>;
  close(): void;
}

/**
 * What commands need from outside the pure core, created on demand so that
 * `--no-discover` and `verify` never load the registry client.
 */
export interface CommandContext {
  collecting(options: SourceOptions): Promise<Collecting>;
  /** Whether progress can redraw a bar (stderr is a terminal). */
  isTerminal(): boolean;
}

export const defaultContext: CommandContext = {
  isTerminal: () => process.stderr.isTTY === true,
  async collecting(options) {
    const { collect, openSource, RegistrySession } = await import('../collect/index.js');
    const session = new RegistrySession(options);
    const sourceOptions: SourceOptions = { ...options, session };
    // Given the archive's spool, large blobs stream into it instead of memory.
    async function collectOne(ref: ImageReference): Promise<CollectedImage>;
    async function collectOne(ref: ImageReference, context: CollectContext): Promise<CollectedImage<AnyRaw>>;
    async function collectOne(ref: ImageReference, context?: CollectContext): Promise<CollectedImage<AnyRaw>> {
      const source = openSource(ref, sourceOptions);
      try {
        return await collect(source, ref, context ? { spool: context.spool } : {});
      } finally {
        await source.close();
      }
    }
    return {
      collect: collectOne,
      resolve: async (ref) => {
        const source = openSource(ref, sourceOptions);
        try {
          return (await source.resolve(ref)).digest;
        } finally {
          await source.close();
        }
      },
      close: () => session.close(),
    };
  },
};
