#!/usr/bin/env sh
# Installs a real n8n (default: n8n-driver/n8n-versions.json) into a cache folder outside the repository, so every clone and
# CI run on the machine reuses it. Prints the install folder on stdout as its last line.
#
#   scripts/n8n-install.sh [version]        N8N_CACHE_DIR chooses the cache folder
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
version=${1:-$(sh "$root/scripts/n8n-version.sh")}
cache=${N8N_CACHE_DIR:-$HOME/.cache/n8n-nodes-intercom-kommo}

# Called through npm (`npm start`, `npm run bench`), this script inherits npm's configuration as
# npm_config_* variables, this repository's `ignore-scripts=true` among them; it would turn the sqlite3
# rebuild below into a silent no-op. The install folder is not this repository: drop what npm exported
# (keeping only the header folder node24.sh chose and a registry the user set), and say on every npm
# call which scripts run.
nodedir=${npm_config_nodedir:-}
registry=${npm_config_registry:-}
for name in $(env | sed -n 's/^\(npm_[A-Za-z0-9_]*\)=.*/\1/p'); do
	unset "$name"
done
[ -n "$nodedir" ] && export npm_config_nodedir="$nodedir"
[ -n "$registry" ] && export npm_config_registry="$registry"

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
# Node, or a caller that already runs Node 24) use the headers installed next to the running Node
# (no download: there may be no network).
if ! (cd "$dir" && nice -n 10 $runner sh -c '
	if [ -z "${npm_config_nodedir:-}" ]; then
		prefix=$(dirname "$(dirname "$(command -v node)")")
		[ -d "$prefix/include/node" ] && export npm_config_nodedir="$prefix"
	fi
	exec npm rebuild sqlite3 --ignore-scripts=false --foreground-scripts --loglevel=error' >&2) ||
	! (cd "$dir" && $runner node -e "require('sqlite3')" >&2); then
	cat >&2 <<MSG

n8n $version was installed, but its database driver sqlite3 could not be built for $($runner node -v).
It is compiled from source and needs Python 3, make and a C++ compiler, plus the Node headers
(include/node next to the node binary). On Debian or Ubuntu: apt-get install -y python3 make g++
Then run this again: sh scripts/n8n-install.sh $version  (or delete $dir to start over).
MSG
	exit 1
fi
date -u +%Y-%m-%dT%H:%M:%SZ >"$marker"
echo "n8n $version installed in $(($(date +%s) - start)) s" >&2
echo "$dir"
