#!/usr/bin/env sh
# Runs one of the headless-Chromium e2e suites (they drive Chromium over the DevTools protocol with
# Node's WebSocket client) on the Node its n8n line needs.
#
#   scripts/chromium-e2e.sh e2e/<suite>.e2e.mjs [n8n-version]   default n8n-driver/n8n-versions.json's current (Node 24); 1.x LTS on the machine's Node
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
suite=$1
version=${2:-${N8N_VERSION:-$(sh scripts/n8n-version.sh)}}
export N8N_VERSION="$version"
case "$version" in
# Node 20 has the WebSocket client the CDP code uses behind a flag (global from Node 22 on).
1.*) exec node --experimental-websocket "$suite" ;;
*) exec sh scripts/node24.sh node "$suite" ;;
esac
