#!/usr/bin/env sh
# End-to-end smoke test of the package inside a real n8n (default: n8n-driver/n8n-versions.json, override with N8N_VERSION):
# installs n8n into a cache outside the repository (first run: minutes; then seconds), builds and
# installs this package as a community package, and runs the Intercom webhook → Get → Transcript flow
# against a local Intercom stand-in. Everything listens on 127.0.0.1. Exits non-zero on any failed check.
# Logs: e2e/.out/intercom/
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
exec sh scripts/node24.sh node e2e/intercom.e2e.mjs "$@"
