import { statSync } from 'node:fs';
import { join } from 'node:path';
import { CustodyError } from '../errors.js';
import { parseReference } from '../oci/reference.js';

/**
 * Refuse a reference without `oci:` that names a local OCI image layout
 * folder (one holding index.json): `examples/layout:1.0` would otherwise go
 * to Docker Hub as docker.io/examples/layout, and `./layout` fail as a bad
 * name. A reference whose first component is a registry host is taken as
 * written, so `docker.io/examples/layout:1.0` still reaches Docker Hub.
 */
export function refuseLayoutLookalike(input: string, where = ''): void {
  if (input.startsWith('oci:')) return;
  const first = input.split('/')[0]!;
  const namesHost = input.includes('/') && first !== '.' && first !== '..' && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (namesHost) return;
  let folder: string;
  try {
    const ref = parseReference(`oci:${input}`);
    folder = ref.type === 'layout' ? ref.path : '';
  } catch {
    return;
  }
  if (folder === '' || !isFile(join(folder, 'index.json'))) return;
  throw new CustodyError(
    'INVALID_REFERENCE',
    `${where}${JSON.stringify(input)} is a local OCI layout folder (${join(folder, 'index.json')} exists), not a registry image: did you mean oci:${input}?`,
  );
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
