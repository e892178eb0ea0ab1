#!/usr/bin/env bash
# Installs everything Tandem needs on a fresh machine: the Python venv and the Node dev tools.
# Usage: scripts/setup.sh [runtime|dev]   (dev adds the test tools)
set -euo pipefail
cd "$(dirname "$0")/.."
kind="${1:-dev}"

if ! command -v python3 >/dev/null || ! command -v npm >/dev/null; then
  echo "Installing python3 and npm from Debian packages..."
  apt-get update -qq && apt-get install -y -qq python3 python3-venv npm >/dev/null
fi

# Chromium renders every Adaptive Card to PNG and checks its contrast in the card tests: dev only.
if [ "$kind" = dev ] && ! command -v chromium >/dev/null; then
  echo "Installing chromium from Debian packages..."
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
requirements=requirements.txt
[ "$kind" = dev ] && requirements=requirements-dev.txt
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"

# Node tools: the Agents Playground (local Teams client), Cosmos DB test server, manifest schemas, card renderer.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
