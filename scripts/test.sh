#!/usr/bin/env bash
# Installs everything, then runs every test: unit, dialog, storage contract, manifest and end-to-end.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh dev
exec .venv/bin/python -m pytest "$@"
