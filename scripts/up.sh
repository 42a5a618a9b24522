#!/usr/bin/env bash
# `npm start`: install what is missing, then run the whole system (scripts/up.ts).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$VIGIL_ROOT"
ensure_node_modules
if [ -z "${TEMPORAL_ADDRESS:-}" ] || [ -z "${MONGODB_URI:-}" ]; then
  eval "$(bash scripts/provision.sh)"
  export TEMPORAL_CLI_PATH FERRETDB_PATH
fi
exec node_modules/.bin/tsx scripts/up.ts
