#!/usr/bin/env bash
# Install code-server (VS Code in a browser) from the npm registry into DEST, offline apart
# from the registry: the one file its install downloads from elsewhere, the ripgrep binary of
# @vscode/ripgrep, is served from Debian's `ripgrep` through that package's download cache.
#
#   tests/editors/vscode/install-code-server.sh DEST     # e.g. .cache/code-server
#
# Needs Node.js 20 with npm, a C++ toolchain, pkg-config and libkrb5-dev (native modules are
# built with node-gyp) and rg on PATH. Does nothing when DEST already holds this version.
set -euo pipefail

VERSION=4.100.3      # VS Code 1.100.3
RIPGREP_PACKAGE=1.15.11 RIPGREP_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz

dest=${1:?usage: install-code-server.sh DEST}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
if [[ -x $dest/node_modules/.bin/code-server && -f $dest/version && $(<"$dest/version") == "$VERSION" ]]; then
    echo "code-server $VERSION already in $dest"
    exit 0
fi
command -v rg >/dev/null || { echo "install-code-server: rg not found (apt-get install ripgrep)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cache=$tmp/vscode-ripgrep-cache-$RIPGREP_PACKAGE
mkdir -p "$cache/rg"
cp "$(command -v rg)" "$cache/rg/rg"
tar -czf "$cache/$RIPGREP_ASSET" -C "$cache/rg" rg

cd "$dest"
[[ -f package.json ]] || echo '{"private": true}' > package.json
# code-server's install script runs npm itself and, as root, wants unsafe-perm; node-pty runs
# `npx node-gyp`, which must not stop to ask.
TMPDIR=$tmp npm_config_unsafe_perm=true npm_config_yes=true npm install --no-audit --no-fund --no-save \
    "code-server@$VERSION"
echo "$VERSION" > version
