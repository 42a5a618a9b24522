# Shared by scripts/*.sh: where tools live and how to find them. Sourced, not run.
# Tools are built once into a per-user cache (outside the clone, so a fresh clone reuses
# them) and linked into the git-ignored .tools/ folder of the clone.

VIGIL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VIGIL_TOOLS_DIR="${VIGIL_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vigil/tools}"
TEMPORAL_CLI_VERSION="v1.5.1"
FERRETDB_VERSION="v1.24.2"
# scripts/ferretdb/*.patch applied to it; change it with the patches so tool caches rebuild.
FERRETDB_PATCH_LEVEL="vigil2"
SCHEMATHESIS_VERSION="4.32.5"

step() { printf '[vigil] %s\n' "$*" >&2; }
die() { printf '[vigil] error: %s\n' "$*" >&2; exit 1; }

# ensure_node_modules installs dependencies when node_modules is missing or older than the lockfile.
ensure_node_modules() {
  local stamp="$VIGIL_ROOT/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$VIGIL_ROOT/package-lock.json" -nt "$stamp" ]; then
    step "installing npm dependencies (npm ci)"
    # A registry mirror that lacks other platforms' optional builds (@swc/core-darwin-*,
    # ...) makes `npm ci` refuse any lockfile; `npm install` then installs the same pinned
    # versions from the same lockfile.
    (cd "$VIGIL_ROOT" && npm ci --no-audit --no-fund --loglevel=error 2>/dev/null) || {
      step "npm ci refused the lockfile; installing the locked versions with npm install"
      (cd "$VIGIL_ROOT" && npm install --no-audit --no-fund --loglevel=error) || die "npm install failed"
    }
  else
    step "npm dependencies present"
  fi
}
