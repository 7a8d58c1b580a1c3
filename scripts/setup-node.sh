# Source this file: puts a Node.js that the Sigstore libraries support
# (^22.22.2 || ^24.15.0) first on PATH. When the machine's Node is older, it
# installs the `node@24` package from the npm registry into .tools/node24
# (git-ignored) and uses that. Fails with a clear message when it cannot.
_custody_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_custody_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e '
    const [maj, min, pat] = process.versions.node.split(".").map(Number);
    const ok = (maj === 22 && (min > 22 || (min === 22 && pat >= 2))) || (maj === 24 && min >= 15) || maj >= 26;
    process.exit(ok ? 0 : 1);' 2>/dev/null
}
export PATH="$_custody_root/.tools/node24/node_modules/.bin:$PATH"
if ! _custody_node_ok; then
  echo "setup: Node $(node --version 2>/dev/null || echo none) is too old; installing node@${CUSTODY_NODE_VERSION:-24.21.0} from the npm registry into .tools/node24" >&2
  if ! command -v npm >/dev/null 2>&1; then
    echo "setup: npm is not installed; install Node.js 24 LTS and retry" >&2
    return 1 2>/dev/null || exit 1
  fi
  # Pinned for reproducible runs; CUSTODY_NODE_VERSION overrides (e.g. a newer 24.x).
  npm install --prefix "$_custody_root/.tools/node24" --no-save --no-audit --no-fund --loglevel=error "node@${CUSTODY_NODE_VERSION:-24.21.0}" >&2 || {
    echo "setup: could not install node@24 from the npm registry; install Node.js 24 LTS (>= 24.15) and retry" >&2
    return 1 2>/dev/null || exit 1
  }
  hash -r
  if ! _custody_node_ok; then
    echo "setup: node@24 was installed but $(command -v node) reports $(node --version); install Node.js 24 LTS by hand" >&2
    return 1 2>/dev/null || exit 1
  fi
fi
echo "setup: using node $(node --version) at $(command -v node)" >&2
