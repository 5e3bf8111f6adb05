#!/usr/bin/env sh
# Type-checks the package code against the n8n-workflow of the n8n 1.123 LTS line, so the nodes use no
# API that only n8n 2.x has. (The dev dependency n8n-workflow is the 2.x line.)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/.cache/lts"
version=1.120.31
if [ ! -f "$dir/node_modules/n8n-workflow/package.json" ] ||
	! grep -q "\"version\": \"$version\"" "$dir/node_modules/n8n-workflow/package.json"; then
	mkdir -p "$dir"
	echo '{"private":true}' >"$dir/package.json"
	(cd "$dir" && npm install --no-save --ignore-scripts --loglevel=error "n8n-workflow@$version" >/dev/null)
fi
cd "$root"
npx tsc -p tsconfig.lts.json
echo "typecheck against n8n-workflow $version (n8n 1.123 LTS): ok"
