# Source this file: puts a Node.js that the Sigstore libraries support
# (^22.22.2 || ^24.15.0) first on PATH. When the machine's Node is older, it
# installs the `node@24` package from the npm registry into .tools/node24
# (git-ignored) and uses that. npm is needed for that: on a bare Debian with
# neither node nor npm, Debian's `nodejs` and `npm` packages are installed
# first (as root directly, else through sudo). Fails with a clear message,
# saying what to run, when it cannot.
_custody_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_custody_node_version="${CUSTODY_NODE_VERSION:-24.21.0}"
_custody_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e '
    const [maj, min, pat] = process.versions.node.split(".").map(Number);
    const ok = (maj === 22 && (min > 22 || (min === 22 && pat >= 2))) || (maj === 24 && min >= 15) || maj >= 26;
    process.exit(ok ? 0 : 1);' 2>/dev/null
}
# Debian's nodejs/npm, so that npm can fetch node@24. Prints what to run when this user cannot install packages.
_custody_install_npm() {
  local packages=() as_root=()
  command -v node >/dev/null 2>&1 || packages+=(nodejs)
  packages+=(npm)
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: npm is not installed and there is no apt-get to install it; install Node.js 24 LTS (>= 24.15) and retry" >&2
    return 1
  fi
  if [ "$(id -u)" != 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "setup: npm is needed to install Node.js 24, and this user is not root and has no sudo; as root run: apt-get update && apt-get install -y ${packages[*]}   then retry" >&2
      return 1
    fi
    as_root=(sudo)
  fi
  echo "setup: no npm on PATH; installing Debian's ${packages[*]} with ${as_root[*]:+sudo }apt-get (npm then fetches node@${_custody_node_version})" >&2
  "${as_root[@]}" apt-get update -qq >&2 &&
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >&2 || {
    echo "setup: apt-get install ${packages[*]} failed; install Node.js 24 LTS (>= 24.15) and retry" >&2
    return 1
  }
  hash -r
  command -v npm >/dev/null 2>&1 || {
    echo "setup: apt-get installed ${packages[*]} but npm is still not on PATH; install Node.js 24 LTS (>= 24.15) and retry" >&2
    return 1
  }
}
export PATH="$_custody_root/.tools/node24/node_modules/.bin:$PATH"
if ! _custody_node_ok; then
  if command -v node >/dev/null 2>&1; then
    echo "setup: Node $(node --version) is too old; installing node@${_custody_node_version} from the npm registry into .tools/node24" >&2
  else
    echo "setup: no Node.js on PATH; installing node@${_custody_node_version} from the npm registry into .tools/node24" >&2
  fi
  if ! command -v npm >/dev/null 2>&1; then
    _custody_install_npm || return 1 2>/dev/null || exit 1
  fi
  # Pinned for reproducible runs; CUSTODY_NODE_VERSION overrides (e.g. a newer 24.x).
  npm install --prefix "$_custody_root/.tools/node24" --no-save --no-audit --no-fund --loglevel=error "node@${_custody_node_version}" >&2 || {
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
