#!/usr/bin/env bash
# The README's first command: on a fresh machine, set up Node 24, install,
# build, and run the demo (archive the bundled example, verify it). No network
# beyond the npm registry for the first install.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=setup-node.sh
source scripts/setup-node.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run build --silent
npm run demo --silent
