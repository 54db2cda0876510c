#!/usr/bin/env bash
# Installs what n8n queue mode needs on this machine: PostgreSQL (Debian `postgresql`) and
# Redis (Debian `redis-server`). Does nothing when both are there. No service is enabled or
# started: scripts/n8n/queue.js runs its own Postgres and Redis in a local folder.
# Needs apt-get (Debian/Ubuntu) and root or sudo. Exits non-zero with a message otherwise.
set -euo pipefail

have_postgres() { ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; }
have_redis() { command -v redis-server >/dev/null 2>&1; }

packages=()
have_postgres || packages+=(postgresql)
have_redis || packages+=(redis-server)
if [ "${#packages[@]}" -eq 0 ]; then
	echo "[queue-deps] PostgreSQL and Redis are installed"
	exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
	echo "[queue-deps] missing: ${packages[*]}, and there is no apt-get here." >&2
	echo "[queue-deps] Install PostgreSQL (initdb, pg_ctl) and redis-server yourself, or run in a Debian container (node:24-bookworm)." >&2
	exit 1
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		sudo=(sudo)
	else
		echo "[queue-deps] missing: ${packages[*]}; installing needs root (or sudo): apt-get install -y ${packages[*]}" >&2
		exit 1
	fi
fi

echo "[queue-deps] installing ${packages[*]} (apt-get)"
export DEBIAN_FRONTEND=noninteractive
# policy-rc.d 101: the packages' maintainer scripts do not start services.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
	"${sudo[@]}" chmod +x "$policy"
	made_policy=1
fi
cleanup() { if [ "$made_policy" -eq 1 ]; then "${sudo[@]}" rm -f "$policy"; fi; }
trap cleanup EXIT
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null

if ! have_postgres || ! have_redis; then
	echo "[queue-deps] apt-get finished but initdb or redis-server is still missing" >&2
	exit 1
fi
echo "[queue-deps] PostgreSQL and Redis are installed"
