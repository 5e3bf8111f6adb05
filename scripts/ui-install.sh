#!/usr/bin/env sh
# The install from n8n's Settings → Community Nodes UI, in headless Chromium, against a local npm
# registry (Verdaccio) with the packed package (e2e/ui-install.e2e.mjs). Exits non-zero on any failed
# check. Logs and step screenshots: e2e/.out/ui-install-<version>/
#
#   scripts/ui-install.sh [n8n-version]   default 2.41.1 (Node 24): install, node panel, both templates
#                                         imported and published in the editor, a signed delivery;
#                                         1.x LTS (e.g. 1.123.81, machine's Node): install + node panel
#   SCREENSHOTS=1 scripts/ui-install.sh   also refreshes docs/screenshots/ui-install-*.png, node-icons-*.png
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
version=${1:-${N8N_VERSION:-2.41.1}}
export N8N_VERSION="$version"
case "$version" in
# Node 20 has the WebSocket client the CDP code uses behind a flag (global from Node 22 on).
1.*) exec node --experimental-websocket e2e/ui-install.e2e.mjs ;;
*) exec sh scripts/node24.sh node e2e/ui-install.e2e.mjs ;;
esac
