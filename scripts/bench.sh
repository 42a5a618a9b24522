#!/usr/bin/env bash
# `npm run bench`: provisions the servers like `npm start`, builds the compiled JavaScript
# the bench runs (unless --runtime tsx), then runs bench/main.ts. Flags go to the bench:
# `npm run bench -- --help`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$VIGIL_ROOT"
ensure_node_modules
eval "$(bash scripts/provision.sh)"
export TEMPORAL_CLI_PATH FERRETDB_PATH
if [[ " $* " != *" --runtime tsx "* && " $* " != *" --runtime=tsx "* && " $* " != *" --help "* ]]; then
  step "building (npm run build)"
  node_modules/.bin/tsc -p tsconfig.build.json
fi
exec node --expose-gc node_modules/.bin/tsx bench/main.ts "$@"
