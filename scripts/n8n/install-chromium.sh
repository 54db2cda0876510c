#!/usr/bin/env bash
# Chromium for the editor e2e test (test/e2e/editor.test.js drives it with
# playwright-core; Playwright never downloads a browser here).
# Idempotent: does nothing when /usr/bin/chromium (or $CHROMIUM_PATH) exists.
# Otherwise installs Debian's chromium with apt-get (CI runs as root; elsewhere
# it uses sudo when available).
set -euo pipefail

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
	echo "install-chromium: $CHROMIUM is already installed ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown'))"
	exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
elif [ "$(id -u)" -ne 0 ]; then
	echo "install-chromium: $CHROMIUM is missing and this is not root (no sudo): run as root: apt-get update && apt-get install -y chromium chromium-driver" >&2
	exit 1
fi

echo "install-chromium: installing chromium and chromium-driver with apt-get"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y chromium chromium-driver

if [ ! -x "$CHROMIUM" ]; then
	echo "install-chromium: apt-get finished but $CHROMIUM is still missing" >&2
	exit 1
fi
echo "install-chromium: installed $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
