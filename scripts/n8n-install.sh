#!/usr/bin/env sh
# Installs a real n8n (default 2.41.1) into a cache folder outside the repository, so every clone and
# CI run on the machine reuses it. Prints the install folder on stdout as its last line.
#
#   scripts/n8n-install.sh [version]
#
# Two transitive dependencies do not install from the npm registry as published (linkedom 0.18.15 needs
# an unpublished package, n8n-nodes-base fetches xlsx from a vendor CDN), so they are pinned by
# overrides. Install scripts are skipped (a Kafka client tries to download and compile librdkafka);
# sqlite3 is the one native module n8n needs that has no prebuild here, so it is rebuilt from source
# against the headers of the Node that will run n8n. A marker file makes the second run a no-op.
#
# n8n 2.x runs on Node 24 (scripts/node24.sh). The 1.x LTS line runs on the machine's own Node (20 on
# the image); its install lives in a folder named after that Node's major version, because the
# rebuilt sqlite3 only loads on the Node ABI it was compiled for.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
version=${1:-2.41.1}
cache=${N8N_CACHE_DIR:-$HOME/.cache/n8n-nodes-intercom-kommo}
case "$version" in
1.*)
	runner=""
	dir="$cache/n8n-$version-node$(node -p 'process.versions.node.split(".")[0]')"
	;;
*)
	runner="sh $root/scripts/node24.sh"
	dir="$cache/n8n-$version"
	;;
esac
marker="$dir/.installed"

if [ -f "$marker" ] && [ -x "$dir/node_modules/.bin/n8n" ]; then
	echo "n8n $version already installed" >&2
	echo "$dir"
	exit 0
fi

mkdir -p "$dir"
cat >"$dir/package.json" <<JSON
{
	"private": true,
	"dependencies": { "n8n": "$version" },
	"overrides": { "linkedom": "0.18.14", "xlsx": "0.18.5" }
}
JSON

start=$(date +%s)
echo "installing n8n $version into $dir (several minutes)" >&2
(cd "$dir" && nice -n 10 $runner npm install --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
echo "rebuilding sqlite3 against the headers of $($runner node -v)" >&2
# node24.sh points npm_config_nodedir at the registry Node's headers; otherwise (the machine's own
# Node) use that Node's installed headers (no download: there may be no network).
(cd "$dir" && nice -n 10 $runner sh -c '
	if [ -z "${npm_config_nodedir:-}" ]; then
		prefix=$(dirname "$(dirname "$(command -v node)")")
		[ -d "$prefix/include/node" ] && export npm_config_nodedir="$prefix"
	fi
	exec npm rebuild sqlite3 --loglevel=error' >&2)
# Fail here rather than at n8n start if the native module did not build.
(cd "$dir" && $runner node -e "require('sqlite3')" >&2)
date -u +%Y-%m-%dT%H:%M:%SZ >"$marker"
echo "n8n $version installed in $(($(date +%s) - start)) s" >&2
echo "$dir"
