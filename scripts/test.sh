#!/usr/bin/env bash
# `npm test`: the whole suite on a bare or warm machine. Installs npm dependencies and
# provisions the Temporal CLI, FerretDB and the time-skipping test server when missing;
# the e2e setup starts its own servers on free ports and stops them afterwards.
# Extra arguments go to vitest (e.g. `npm test -- --project unit`).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$VIGIL_ROOT"
ensure_node_modules
eval "$(bash scripts/provision.sh --test)"
export TEMPORAL_CLI_PATH FERRETDB_PATH TEMPORAL_TEST_SERVER_PATH ALERTMANAGER_PATH SCHEMATHESIS_PATH CHROMIUM_PATH
if [[ "${VIGIL_SKIP_CHECKS:-}" != 1 ]]; then # VIGIL_SKIP_CHECKS=1: tests only, while iterating
  step "typecheck and lint"
  node_modules/.bin/tsc -p tsconfig.json --noEmit
  node_modules/.bin/eslint .
fi
step "tests"
if [[ $# -gt 0 ]]; then exec node_modules/.bin/vitest run "$@"; fi
# One project at a time: on a 2-core machine the time-skipping workflow tests and the
# real-time e2e tests would otherwise compete for the CPU and stretch each other's timings.
node_modules/.bin/vitest run --project unit
node_modules/.bin/vitest run --project workflows
node_modules/.bin/vitest run --project e2e
# The fault suite (test/faults): a stack per case, parts killed on purpose; about 8 minutes.
exec node_modules/.bin/vitest run --project faults
