import { describe, expect, it } from 'vitest';
import { archiveSegments, formatReference, parseReference } from '../../src/oci/reference.js';
import { CustodyError } from '../../src/errors.js';

const D = `sha256:${'ab'.repeat(32)}`;

describe('parseReference', () => {
  it.each([
    ['alpine', { type: 'registry', registry: 'docker.io', repository: 'library/alpine' }],
    ['alpine:3.20', { type: 'registry', registry: 'docker.io', repository: 'library/alpine', tag: '3.20' }],
    ['acme/app', { type: 'registry', registry: 'docker.io', repository: 'acme/app' }],
    ['index.docker.io/acme/app:v1', { type: 'registry', registry: 'docker.io', repository: 'acme/app', tag: 'v1' }],
    ['ghcr.io/acme/app/api:v1.2', { type: 'registry', registry: 'ghcr.io', repository: 'acme/app/api', tag: 'v1.2' }],
    [`localhost:5000/app@${D}`, { type: 'registry', registry: 'localhost:5000', repository: 'app', digest: D }],
    [`127.0.0.1:5000/a/b:t@${D}`, { type: 'registry', registry: '127.0.0.1:5000', repository: 'a/b', tag: 't', digest: D }],
    ['Registry.Example:443/x/y__z-w.v', { type: 'registry', registry: 'registry.example:443', repository: 'x/y__z-w.v' }],
    ['oci:./layout', { type: 'layout', path: './layout' }],
    ['oci:/data/layout:v1', { type: 'layout', path: '/data/layout', tag: 'v1' }],
    [`oci:layout@${D}`, { type: 'layout', path: 'layout', digest: D }],
  ])('parses %s', (input, expected) => {
    expect(parseReference(input)).toEqual(expected);
  });

  it.each([
    ['', 'empty'],
    ['Alpine', 'lower case'],
    ['acme//app', 'empty path component'],
    ['acme/app/', 'empty path component'],
    ['acme/app:', 'tag'],
    ['acme/app:-bad', 'tag'],
    [`acme/app@sha256:${'A'.repeat(64)}`, 'lower-case hex'],
    ['acme/app@sha256:abc', 'right length'],
    ['acme/app@md5:abc', 'must be sha256'],
    ['https://ghcr.io/acme/app', 'no scheme'],
    ['ghcr.io:99999/app', 'out of range'],
    ['acme/ap p', 'white space'],
    ['acme/..', 'not allowed'],
    ['oci:', 'no layout folder'],
    [`${'a'.repeat(300)}/b`, 'longer than'],
  ])('rejects %j (%s)', (input, why) => {
    let error: unknown;
    try {
      parseReference(input);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CustodyError);
    expect((error as CustodyError).code).toBe('INVALID_REFERENCE');
    expect((error as CustodyError).message).toContain(why);
    expect((error as CustodyError).message).not.toContain('\n');
  });

  it('round-trips through formatReference', () => {
    for (const input of ['docker.io/library/alpine:3.20', `ghcr.io/acme/app@${D}`, 'oci:/x/y:tag', `localhost:5000/a:b@${D}`]) {
      expect(formatReference(parseReference(input))).toBe(input);
    }
  });

  it('maps names to folder segments that cannot leave their folder', () => {
    expect(archiveSegments(parseReference('localhost:5000/acme/app'))).toEqual(['localhost_5000', 'acme', 'app']);
    expect(archiveSegments(parseReference('[::1]:5000/app'))).toEqual(['___1__5000', 'app']);
    expect(archiveSegments(parseReference('oci:../..'))).toEqual(['oci', '__']);
    expect(archiveSegments(parseReference('oci:/tmp/My Layout/'))).toEqual(['oci', 'my_layout']);
  });
});
