/**
 * The name an image goes by from day to day: a reference that carries both
 * a tag and a digest (`registry/repo:1.4@sha256:…`, as archive records a tag
 * pinned by digest) is known by its tag, so that a rebuild shows as the same
 * image re-pointed to a new digest. Any other reference is its own name.
 */
export function referenceKey(ref: string): string {
  const match = /^(.*:[^/:@]+)@sha(256|512):[0-9a-f]+$/.exec(ref);
  return match ? match[1]! : ref;
}
