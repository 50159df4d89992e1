# Shared paths, pinned versions and ports for the scripts. Sourced, never run.
# shellcheck shell=bash

JARYO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATA_DIR=${JARYO_DATA_DIR:-$JARYO_ROOT/.data}
RUN_DIR=$DATA_DIR/run
LOG_DIR=$DATA_DIR/log
CACHE_DIR=${JARYO_CACHE_DIR:-$HOME/.cache/jaryo}
BIN_DIR=$CACHE_DIR/bin

# Go's official install lives here on these machines; a non-login shell may not have it on PATH.
command -v go >/dev/null 2>&1 || { [ -x /usr/local/go/bin/go ] && export PATH=$PATH:/usr/local/go/bin; }

UV_VERSION=0.13.9
FERRETDB_VERSION=v1.24.2
# SeaweedFS publishes no Go module tags; the pseudo-version pinned in the tools module is the one.
SEAWEEDFS_VERSION=$(awk '$1=="github.com/seaweedfs/seaweedfs" {print $2}' \
  "$JARYO_ROOT/scripts/tools/seaweedfs/go.mod")
# Builds the k8s/ overlays in the unit tests. v5.8.2 is the newest that builds with Go 1.26.
KUSTOMIZE_VERSION=v5.8.2

# Tesseract's `best_int` language data (more accurate than Debian's `fast` data; docs/ocr.md).
TESSDATA_VERSION=1.0.0   # npm @tesseract.js-data/{kor,eng}, folder 4.0.0_best_int
TESSDATA_DIR=$CACHE_DIR/tessdata-best_int-$TESSDATA_VERSION
export JARYO_TESSDATA_DIR=${JARYO_TESSDATA_DIR:-$TESSDATA_DIR}
# The official AsyncAPI 3.0.0 JSON Schema, which docs/asyncapi.yaml is validated against.
ASYNCAPI_SPECS_VERSION=6.11.1   # npm @asyncapi/specs
ASYNCAPI_SCHEMA=$CACHE_DIR/asyncapi-specs-$ASYNCAPI_SPECS_VERSION/3.0.0.json
export JARYO_ASYNCAPI_SCHEMA=${JARYO_ASYNCAPI_SCHEMA:-$ASYNCAPI_SCHEMA}

UV=$CACHE_DIR/uv-$UV_VERSION/bin/uv
FERRETDB=$BIN_DIR/ferretdb-$FERRETDB_VERSION
WEED=$BIN_DIR/weed-$SEAWEEDFS_VERSION
KUSTOMIZE=$BIN_DIR/kustomize-$KUSTOMIZE_VERSION
export JARYO_KUSTOMIZE=${JARYO_KUSTOMIZE:-$KUSTOMIZE}   # tests/unit/test_k8s_manifests.py
RABBITMQ_BIN=/usr/lib/rabbitmq/bin   # the real scripts; /usr/sbin's wrappers su to 'rabbitmq'

RABBITMQ_PORT=${JARYO_RABBITMQ_PORT:-5672}
RABBITMQ_DIST_PORT=${JARYO_RABBITMQ_DIST_PORT:-25673}
MONGO_PORT=${JARYO_MONGO_PORT:-27017}
S3_PORT=${JARYO_S3_PORT:-8333}
WEED_MASTER_PORT=${JARYO_WEED_MASTER_PORT:-9333}
WEED_VOLUME_PORT=${JARYO_WEED_VOLUME_PORT:-9340}
WEED_FILER_PORT=${JARYO_WEED_FILER_PORT:-8888}
GATEWAY_PORT=${JARYO_GATEWAY_PORT:-8080}
RABBITMQ_NODE=${JARYO_RABBITMQ_NODE:-jaryo@localhost}  # another node (own data dir) beside it: tests/faults

# Local development credentials for the local servers; real deployments set their own.
export JARYO_S3_ACCESS_KEY=${JARYO_S3_ACCESS_KEY:-jaryo-dev-access}
export JARYO_S3_SECRET_KEY=${JARYO_S3_SECRET_KEY:-jaryo-dev-secret-key}
export JARYO_S3_ENDPOINT=${JARYO_S3_ENDPOINT:-127.0.0.1:$S3_PORT}
export JARYO_MONGO_URL=${JARYO_MONGO_URL:-mongodb://127.0.0.1:$MONGO_PORT/}
export JARYO_AMQP_URL=${JARYO_AMQP_URL:-amqp://guest:guest@127.0.0.1:$RABBITMQ_PORT//}
export UV_PYTHON_DOWNLOADS=never
export UV_PROJECT_ENVIRONMENT=${UV_PROJECT_ENVIRONMENT:-$JARYO_ROOT/.venv}

say() { printf '\033[1m[jaryo]\033[0m %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# The gateway's JWT signing key: never a value from the repository (anyone could forge tokens with
# it, and the gateway refuses those). Made once per checkout into .data/, which git ignores, and
# kept, so tokens survive restarts; an environment that sets JARYO_JWT_SECRET wins.
JWT_SECRET_FILE=$DATA_DIR/jwt-secret
local_jwt_secret() {
  if [ ! -s "$JWT_SECRET_FILE" ]; then
    mkdir -p "$DATA_DIR"
    local fresh
    fresh=$(mktemp "$JWT_SECRET_FILE.XXXXXX")   # mode 0600
    python3 -c 'import secrets; print(secrets.token_urlsafe(48))' >"$fresh" \
      || { rm -f "$fresh"; die "could not generate $JWT_SECRET_FILE"; }
    # ln fails if the file exists: of two scripts starting at once, one key wins, both use it.
    ln "$fresh" "$JWT_SECRET_FILE" 2>/dev/null || true
    rm -f "$fresh"
  fi
  [ -s "$JWT_SECRET_FILE" ] || die "$JWT_SECRET_FILE is empty; delete it and a new key is made"
  cat "$JWT_SECRET_FILE"
}
if [ -z "${JARYO_JWT_SECRET:-}" ]; then
  JARYO_JWT_SECRET=$(local_jwt_secret) || exit 1
  export JARYO_JWT_SECRET
fi

# rabbitmq-server and rabbitmqctl for our own node, its data and config under .data/.
rabbitmq_env() {
  env RABBITMQ_NODENAME=$RABBITMQ_NODE \
      RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
      RABBITMQ_NODE_PORT="$RABBITMQ_PORT" \
      RABBITMQ_DIST_PORT="$RABBITMQ_DIST_PORT" \
      RABBITMQ_BASE="$DATA_DIR/rabbitmq" \
      RABBITMQ_MNESIA_BASE="$DATA_DIR/rabbitmq/mnesia" \
      RABBITMQ_LOG_BASE="$LOG_DIR/rabbitmq" \
      RABBITMQ_CONFIG_FILE="$DATA_DIR/rabbitmq/rabbitmq.conf" \
      RABBITMQ_ENABLED_PLUGINS_FILE="$DATA_DIR/rabbitmq/enabled_plugins" \
      RABBITMQ_CONF_ENV_FILE=/dev/null \
      ERL_EPMD_ADDRESS=127.0.0.1 \
      "$@"
}
rabbitmqctl_local() { rabbitmq_env "$RABBITMQ_BIN/rabbitmqctl" -n "$RABBITMQ_NODE" "$@"; }

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for_port() { # port name seconds
  local deadline=$((SECONDS + ${3:-60}))
  until port_open "$1"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.3
  done
}
