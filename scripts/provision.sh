#!/usr/bin/env bash
# Provisions the servers Vigil runs on, only when missing, and prints where they are as
# shell assignments (TEMPORAL_CLI_PATH=..., FERRETDB_PATH=..., TEMPORAL_TEST_SERVER_PATH=...).
#   scripts/provision.sh            Temporal CLI + FerretDB (what `npm start` needs)
#   scripts/provision.sh --test     also the Java time-skipping test server, Prometheus
#                                   Alertmanager + amtool (Debian package, for the e2e tests),
#                                   Schemathesis (PyPI, in a virtual environment, for the
#                                   API fuzzing test) and Chromium (Debian package, for the
#                                   console's browser tests)
# Order of preference for each tool: the environment variable, a binary on PATH, the cache.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

want_test_server=0
[ "${1:-}" = "--test" ] && want_test_server=1

mkdir -p "$VIGIL_TOOLS_DIR/bin"
ln -sfn "$VIGIL_TOOLS_DIR" "$VIGIL_ROOT/.tools"
exec 9>"$VIGIL_TOOLS_DIR/.lock"
flock 9 # two provisioning runs (e.g. `npm start` and `npm test`) must not build at once

# from_env VAR LABEL: when the environment names the tool, checks and prints it (and succeeds).
from_env() {
  local path="${!1:-}"
  [ -n "$path" ] || return 1
  [ -x "$path" ] || die "$1=$path is not an executable file"
  step "$2: using $1 ($path)"; echo "$path"
}

go_env() { # builds must not depend on the caller's GOFLAGS or module mode
  env GOFLAGS=-mod=mod GO111MODULE=on GOTOOLCHAIN=local "$@"
}

provision_temporal() {
  from_env TEMPORAL_CLI_PATH "temporal CLI" && return
  if command -v temporal >/dev/null 2>&1; then
    step "temporal CLI: using $(command -v temporal) from PATH"; command -v temporal; return
  fi
  local bin="$VIGIL_TOOLS_DIR/bin/temporal"
  if [ ! -x "$bin" ]; then
    command -v go >/dev/null || die "Go is needed to build the Temporal CLI (or set TEMPORAL_CLI_PATH)"
    step "temporal CLI: building $TEMPORAL_CLI_VERSION with go install (first run only, ~6 min on 2 cores)"
    (cd "$VIGIL_TOOLS_DIR" && go_env GOBIN="$VIGIL_TOOLS_DIR/bin" \
      go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION") >&2 \
      || die "building the Temporal CLI failed"
  fi
  step "temporal CLI: $bin"; echo "$bin"
}

provision_ferretdb() {
  from_env FERRETDB_PATH ferretdb && return
  if command -v ferretdb >/dev/null 2>&1; then
    step "ferretdb: using $(command -v ferretdb) from PATH"; command -v ferretdb; return
  fi
  # The binary's name carries the patch level: a new patch builds a new binary.
  local bin="$VIGIL_TOOLS_DIR/bin/ferretdb-$FERRETDB_VERSION-$FERRETDB_PATCH_LEVEL"
  if [ ! -x "$bin" ]; then
    command -v go >/dev/null || die "Go is needed to build FerretDB (or set FERRETDB_PATH)"
    step "ferretdb: building $FERRETDB_VERSION with $FERRETDB_PATCH_LEVEL (first run only, ~4 min on 2 cores)"
    # `go install ...@v1.24.2` is refused by proxies that hide the module's version list, and
    # the module zip lacks the generated build/version/version.txt FerretDB panics without.
    # So: a throw-away module that requires FerretDB, vendored, with that file written in.
    local work; work="$(mktemp -d)"
    cat >"$work/go.mod" <<MOD
module vigil.local/tools/ferretdb

go 1.22

require github.com/FerretDB/FerretDB $FERRETDB_VERSION
MOD
    printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/FerretDB/FerretDB/cmd/ferretdb"\n' >"$work/tools.go"
    (
      cd "$work"
      step "ferretdb: resolving modules"
      go_env go mod tidy
      go_env go mod vendor
      echo "$FERRETDB_VERSION" >vendor/github.com/FerretDB/FerretDB/build/version/version.txt
      # scripts/ferretdb/*.patch: SQLite lookups by _id that use the _id index (see the patch).
      for p in "$VIGIL_ROOT"/scripts/ferretdb/*.patch; do
        (cd vendor/github.com/FerretDB/FerretDB && GIT_CEILING_DIRECTORIES="$work" git apply -p1 "$p")
      done
      step "ferretdb: compiling"
      env GOFLAGS=-mod=vendor GOTOOLCHAIN=local go build -o "$bin.tmp" github.com/FerretDB/FerretDB/cmd/ferretdb
      mv "$bin.tmp" "$bin"
    ) >&2 || { rm -rf "$work"; die "building FerretDB failed"; }
    rm -rf "$work"
  fi
  step "ferretdb: $bin"; echo "$bin"
}

provision_test_server() {
  from_env TEMPORAL_TEST_SERVER_PATH "time-skipping test server" && return
  local wrapper="$VIGIL_TOOLS_DIR/bin/temporal-test-server"
  local cp="$VIGIL_TOOLS_DIR/temporal-test-server.classpath"
  local pom="$VIGIL_ROOT/scripts/test-server/pom.xml"
  local stale=0
  if [ -f "$cp" ]; then # a jar the classpath names may have left ~/.m2 since
    local IFS=':'; for jar in $(cat "$cp"); do [ -f "$jar" ] || stale=1; done
  fi
  if [ ! -x "$wrapper" ] || [ ! -f "$cp" ] || [ "$pom" -nt "$cp" ] || [ "$stale" = 1 ]; then
    command -v java >/dev/null || die "Java 17 is needed for the time-skipping test server"
    command -v mvn >/dev/null || die "Maven is needed to fetch the time-skipping test server"
    step "time-skipping test server: resolving io.temporal:temporal-test-server from Maven Central"
    mvn -B -q -f "$pom" dependency:build-classpath -Dmdep.outputFile="$cp.tmp" >&2 \
      || die "resolving the test server classpath failed"
    mv "$cp.tmp" "$cp"
    cat >"$wrapper" <<WRAP
#!/bin/sh
# Temporal time-skipping test server (Java). Argument: the port to listen on.
exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -cp "\$(cat '$cp')" io.temporal.testserver.TestServer "\$@"
WRAP
    chmod +x "$wrapper"
  fi
  step "time-skipping test server: $wrapper"; echo "$wrapper"
}

# Installs a Debian package for the e2e tests (first run only); $2 says what to do instead.
apt_install() {
  local pkg="$1" instead="$2" sudo=""
  command -v apt-get >/dev/null || die "$pkg is needed for the e2e tests: $instead"
  [ "$(id -u)" = 0 ] || sudo="sudo -n"
  step "$pkg: installing the Debian package (first run only)"
  { $sudo apt-get install -y --no-install-recommends "$pkg" \
    || { step "$pkg: refreshing the package lists and retrying"; $sudo apt-get update && $sudo apt-get install -y --no-install-recommends "$pkg"; }; } >&2 \
    || die "installing $pkg failed (needs root or passwordless sudo): $instead"
}

# Alertmanager for the inbound e2e tests: upstream names it `alertmanager`, Debian
# `prometheus-alertmanager`. Installed with apt-get only when neither is on PATH.
provision_alertmanager() {
  local am
  for am in "${ALERTMANAGER_PATH:-}" prometheus-alertmanager alertmanager; do
    [ -n "$am" ] && command -v "$am" >/dev/null 2>&1 && command -v amtool >/dev/null 2>&1 || continue
    step "alertmanager: using $(command -v "$am") and $(command -v amtool)"; command -v "$am"; return
  done
  apt_install prometheus-alertmanager "install it yourself or put alertmanager and amtool on PATH"
  step "alertmanager: $(command -v prometheus-alertmanager)"; command -v prometheus-alertmanager
}

# Chromium for the console's browser tests (driven by playwright-core, which downloads no
# browser of its own): CHROMIUM_PATH, then chromium on PATH, else the Debian package.
provision_chromium() {
  local c
  for c in "${CHROMIUM_PATH:-}" chromium chromium-browser; do
    [ -n "$c" ] && command -v "$c" >/dev/null 2>&1 || continue
    step "chromium: using $(command -v "$c")"; command -v "$c"; return
  done
  apt_install chromium "install it yourself or set CHROMIUM_PATH"
  step "chromium: $(command -v chromium)"; command -v chromium
}

# Schemathesis fuzzes the served OpenAPI document (test/e2e/fuzz.test.ts): a pinned version
# in its own virtual environment in the tool cache. A venv's scripts name its own path, so it
# cannot be built elsewhere and renamed: it is built in place, and a stamp file written last
# (the version) marks it complete; a half-built one is rebuilt.
provision_schemathesis() {
  from_env SCHEMATHESIS_PATH schemathesis && return
  local venv="$VIGIL_TOOLS_DIR/schemathesis-venv"
  local stamp="$venv/.vigil-version"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$SCHEMATHESIS_VERSION" ]; then
    command -v python3 >/dev/null || die "Python 3 (3.9 or newer, with venv and pip) is needed for Schemathesis"
    step "schemathesis: installing $SCHEMATHESIS_VERSION from PyPI into $venv (first run only)"
    rm -rf "$venv"
    { python3 -m venv "$venv" \
      && "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"; } >&2 \
      || { rm -rf "$venv"; die "installing Schemathesis failed"; }
    echo "$SCHEMATHESIS_VERSION" >"$stamp"
  fi
  step "schemathesis: $venv/bin/schemathesis"; echo "$venv/bin/schemathesis"
}

temporal="$(provision_temporal)"
ferretdb="$(provision_ferretdb)"
printf 'TEMPORAL_CLI_PATH=%q\nFERRETDB_PATH=%q\n' "$temporal" "$ferretdb"
if [ "$want_test_server" = 1 ]; then
  printf 'TEMPORAL_TEST_SERVER_PATH=%q\n' "$(provision_test_server)"
  printf 'ALERTMANAGER_PATH=%q\n' "$(provision_alertmanager)"
  printf 'SCHEMATHESIS_PATH=%q\n' "$(provision_schemathesis)"
  printf 'CHROMIUM_PATH=%q\n' "$(provision_chromium)"
fi
