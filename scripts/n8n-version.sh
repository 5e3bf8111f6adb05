#!/usr/bin/env sh
# Prints the n8n version start, e2e, bench and CI run by default: `current` (the newest 2.x release
# proven here) or `lts` (the 1.x LTS line). One file holds both: n8n-driver/n8n-versions.json.
#
#   scripts/n8n-version.sh [current|lts]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
line=${1:-current}
sed -n "s/.*\"$line\": *\"\([^\"]*\)\".*/\1/p" "$root/n8n-driver/n8n-versions.json"
