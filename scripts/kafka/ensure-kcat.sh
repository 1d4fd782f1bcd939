#!/usr/bin/env bash
# Installs kcat (the Kafka CLI client, Debian package `kcat`) if it is not on PATH.
# Idempotent and quiet on success; meant for fresh CI machines (runs apt-get as root, or via sudo).
set -euo pipefail

if command -v kcat >/dev/null 2>&1; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-kcat: kcat is missing and apt-get is not available; install kcat by hand" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "ensure-kcat: kcat is missing; need root (or sudo) to apt-get install it" >&2
    exit 1
  fi
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends kcat; } >"$log" 2>&1; then
  echo "ensure-kcat: installing kcat failed:" >&2
  tail -n 30 "$log" >&2
  exit 1
fi

command -v kcat >/dev/null 2>&1 || { echo "ensure-kcat: kcat still not on PATH after install" >&2; exit 1; }
