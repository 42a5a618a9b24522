#!/usr/bin/env bash
# Registers Vigil's custom search attributes in a Temporal namespace.
# Runs once in the temporalio/admin-tools container (docker-compose service
# temporal-admin-tools); the api and worker start only after it exits 0.
#
#   register-search-attributes.sh Name=Type [Name=Type ...]
#
# Environment: TEMPORAL_ADDRESS (host:port, required), TEMPORAL_NAMESPACE (default "default"),
# REGISTER_TIMEOUT_SECONDS (default 300), NAMESPACE_CACHE_SETTLE_SECONDS (default 15).
#
# Idempotent: attributes that already exist with the wanted type are left alone (re-runs on
# every `docker compose up` are no-ops); one that exists with a different type is an error.
set -euo pipefail

address="${TEMPORAL_ADDRESS:?TEMPORAL_ADDRESS must be set (host:port of the Temporal frontend)}"
namespace="${TEMPORAL_NAMESPACE:-default}"
timeout_s="${REGISTER_TIMEOUT_SECONDS:-300}"
settle_s="${NAMESPACE_CACHE_SETTLE_SECONDS:-15}"

if (($# == 0)); then
  echo "usage: $0 Name=Type [Name=Type ...]" >&2
  exit 64
fi
for spec in "$@"; do
  if [[ ! $spec =~ ^[A-Za-z_][A-Za-z0-9_]*=[A-Za-z]+$ ]]; then
    echo "bad argument '$spec': expected Name=Type, e.g. IncidentNumber=Int" >&2
    exit 64
  fi
done

deadline=$((SECONDS + timeout_s))
wait_for() {
  local what=$1
  shift
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      echo "timed out after ${timeout_s}s waiting for ${what}" >&2
      "$@" || true # show the last error
      exit 1
    fi
    sleep 2
  done
}

echo "waiting for Temporal at ${address}"
wait_for "the Temporal frontend" temporal operator cluster health --address "$address"
# auto-setup creates the namespace in the background after the frontend is up.
echo "waiting for namespace ${namespace}"
wait_for "namespace ${namespace}" temporal operator namespace describe --address "$address" --namespace "$namespace"

# Prints "Name=type" (type lower-cased, e.g. keyword / int) for every custom attribute.
registered() {
  temporal operator search-attribute list --address "$address" --namespace "$namespace" --output json |
    jq -r '(.customAttributes // .custom_attributes // {}) | to_entries[]
           | "\(.key)=\(.value | tostring | ascii_downcase | sub("^indexed_value_type_"; ""))"'
}
type_of() { awk -F= -v n="$1" '$1 == n { print $2; exit }' <<<"$2"; }
lower() { tr '[:upper:]' '[:lower:]' <<<"$1"; }

# Returns 0 when every requested attribute is registered with its type; lists problems.
check_all() {
  local current=$1 ok=0 spec name want have
  for spec in "${@:2}"; do
    name=${spec%%=*} want=$(lower "${spec#*=}")
    have=$(type_of "$name" "$current")
    if [[ -z $have ]]; then
      echo "  missing: ${name} (${spec#*=})"
      ok=1
    elif [[ $have != "$want" ]]; then
      echo "  WRONG TYPE: ${name} is ${have}, Vigil needs ${spec#*=}"
      ok=1
    fi
  done
  return $ok
}

wait_for "search attribute list" registered
current=$(registered)
create_args=()
for spec in "$@"; do
  name=${spec%%=*} type=${spec#*=}
  have=$(type_of "$name" "$current")
  if [[ -z $have ]]; then
    create_args+=(--name "$name" --type "$type")
  elif [[ $have != "$(lower "$type")" ]]; then
    echo "search attribute ${name} already exists in namespace ${namespace} with type ${have}, but Vigil needs ${type}." >&2
    echo "Remove it (temporal operator search-attribute remove --name ${name}) or use another namespace." >&2
    exit 1
  else
    echo "already registered: ${name} (${type})"
  fi
done

if ((${#create_args[@]} == 0)); then
  echo "all ${#} search attributes already registered in namespace ${namespace}"
  exit 0
fi

echo "registering in namespace ${namespace}:" "${create_args[@]}"
# A concurrent run may have created some in between ("already exists"): whatever create says,
# the list below is the judge.
create_out=$(temporal operator search-attribute create --address "$address" --namespace "$namespace" "${create_args[@]}" 2>&1) || true
echo "$create_out"

until problems=$(check_all "$(registered)" "$@"); do
  if ((SECONDS >= deadline)); then
    echo "search attributes not registered after ${timeout_s}s:" >&2
    echo "$problems" >&2
    exit 1
  fi
  sleep 2
done
echo "registered; waiting ${settle_s}s for the servers' namespace caches to pick them up"
sleep "$settle_s"
echo "done"
