#!/usr/bin/env node
// Shows discover, archive and verify against a real registry (the README's
// registry example, scripts/lib/registry-example.mjs). Needs `npm run build`,
// docker-registry and skopeo. Writes into a temp folder, removed afterwards.
import { renderRegistryExample } from './lib/registry-example.mjs';

process.stdout.write(await renderRegistryExample());
