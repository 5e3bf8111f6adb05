#!/usr/bin/env sh
# The install from n8n's Settings → Community Nodes UI, in headless Chromium, against a local npm
# registry (Verdaccio) with the packed package (e2e/ui-install.e2e.mjs). Exits non-zero on any failed
# check. Logs and step screenshots: e2e/.out/ui-install-<version>/
#
#   scripts/ui-install.sh [n8n-version]   default n8n-driver/n8n-versions.json's current (Node 24): install, node panel, both templates
#                                         imported and published in the editor, a signed delivery;
#                                         1.x LTS (e.g. 1.123.81, machine's Node): install + node panel
#   SCREENSHOTS=1 scripts/ui-install.sh   also refreshes docs/screenshots/ui-install-*.png, node-icons-*.png
set -eu
exec sh "$(dirname "$0")/chromium-e2e.sh" e2e/ui-install.e2e.mjs "$@"
