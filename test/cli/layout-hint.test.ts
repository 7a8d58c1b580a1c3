import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { refuseLayoutLookalike } from '../../src/cli/layout-hint.js';
import { tempDir } from '../helpers/cli.js';

const home = process.cwd();
afterEach(() => process.chdir(home));

/** A working folder holding layouts at these relative paths. */
async function layoutsAt(...paths: string[]): Promise<void> {
  const dir = await tempDir();
  for (const path of paths) {
    mkdirSync(join(dir, path), { recursive: true });
    writeFileSync(join(dir, path, 'index.json'), '{"schemaVersion":2,"manifests":[]}');
  }
  process.chdir(dir);
}

describe('a reference without oci: that names a local layout', () => {
  it.each(['layout', 'layout:1.0', './layout', 'acme/layout:1.0', `layout@sha256:${'a'.repeat(64)}`])('%s is refused with the oci: form', async (input) => {
    await layoutsAt('layout', 'acme/layout');
    expect(() => refuseLayoutLookalike(input)).toThrow(`did you mean oci:${input}?`);
  });

  it.each(['docker.io/acme/layout:1.0', 'localhost:5000/layout', 'registry.example/layout'])(
    '%s names a registry host and is taken as written',
    async (input) => {
      await layoutsAt('docker.io/acme/layout', 'localhost:5000/layout', 'registry.example/layout');
      expect(() => refuseLayoutLookalike(input)).not.toThrow();
    },
  );

  it('a folder without index.json, or none at all, is left to the reference parser', async () => {
    await layoutsAt('layout');
    mkdirSync('plain');
    for (const input of ['plain:1.0', 'missing:1.0', 'oci:layout']) expect(() => refuseLayoutLookalike(input)).not.toThrow();
  });
});
