#!/usr/bin/env sh
# End-to-end suite of the two template workflows in a real n8n against the local Intercom + Kommo
# sandbox (e2e/templates.e2e.mjs). Exits non-zero on any failed check. Logs: e2e/.out/templates-<version>/
#
#   scripts/e2e.sh [n8n-version]     default n8n-driver/n8n-versions.json's current (Node 24); 1.x LTS (e.g. 1.123.81) on the machine's Node
#   scripts/e2e.sh cluster [one-process]
#                                    the same on n8n 2.41.1 queue mode (e2e/cluster.e2e.mjs): the
#                                    queue-mode chat template, or the one-process one (expected to fail)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ "${1:-}" = cluster ]; then
	shift
	exec sh scripts/node24.sh node e2e/cluster.e2e.mjs "$@"
fi
version=${1:-${N8N_VERSION:-$(sh scripts/n8n-version.sh)}}
export N8N_VERSION="$version"
case "$version" in
1.*) exec node e2e/templates.e2e.mjs ;;
*) exec sh scripts/node24.sh node e2e/templates.e2e.mjs ;;
esac
