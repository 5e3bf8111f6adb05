#!/usr/bin/env sh
# Installs Verdaccio (a local npm registry, from the npm registry) into a cache folder outside the
# repository, for the Community Nodes UI-install e2e (e2e/ui-install.e2e.mjs). Not a devDependency:
# ~320 packages, 65 MB, that only this one suite needs. Prints the install folder on stdout as its last line.
#
#   scripts/verdaccio-install.sh        VERDACCIO_CACHE_DIR (default: N8N_CACHE_DIR, else
#                                       ~/.cache/n8n-nodes-intercom-kommo) chooses the cache folder
set -eu
version=6.10.4
cache=${VERDACCIO_CACHE_DIR:-${N8N_CACHE_DIR:-$HOME/.cache/n8n-nodes-intercom-kommo}}
dir="$cache/verdaccio-$version"
# Called through npm, this inherits npm's exported configuration: keep only a registry the user set.
registry=${npm_config_registry:-}
for name in $(env | sed -n 's/^\(npm_[A-Za-z0-9_]*\)=.*/\1/p'); do
	unset "$name"
done
[ -n "$registry" ] && export npm_config_registry="$registry"

if [ -f "$dir/.installed" ] && [ -f "$dir/node_modules/verdaccio/package.json" ]; then
	echo "$dir"
	exit 0
fi
mkdir -p "$dir"
echo '{ "private": true, "dependencies": { "verdaccio": "'"$version"'" } }' >"$dir/package.json"
start=$(date +%s)
echo "installing verdaccio $version into $dir" >&2
(cd "$dir" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
date -u +%Y-%m-%dT%H:%M:%SZ >"$dir/.installed"
echo "verdaccio $version installed in $(($(date +%s) - start)) s" >&2
echo "$dir"
