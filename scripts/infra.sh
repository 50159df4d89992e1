#!/usr/bin/env bash
# Starts, stops or reports the local servers: RabbitMQ, FerretDB (MongoDB wire protocol, SQLite)
# and SeaweedFS (S3). All bind to 127.0.0.1 and keep their data under .data/. Idempotent.
#   scripts/infra.sh up | down | status
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

start_daemon() { # name logfile command...
  local name=$1 logfile=$2; shift 2
  setsid nohup "$@" >>"$logfile" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/$name.pid"
}

rabbitmq_up() {
  if rabbitmqctl_local -q await_startup --timeout 1 >/dev/null 2>&1; then return; fi
  port_open "$RABBITMQ_PORT" && die "port $RABBITMQ_PORT is taken by a program that is not our node"
  mkdir -p "$DATA_DIR/rabbitmq" "$LOG_DIR/rabbitmq"
  cat >"$DATA_DIR/rabbitmq/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$RABBITMQ_PORT
loopback_users.guest = true
disk_free_limit.absolute = 200MB
log.console = false
log.file.level = warning
CONF
  echo "[]." >"$DATA_DIR/rabbitmq/enabled_plugins"
  say "starting RabbitMQ on 127.0.0.1:$RABBITMQ_PORT"
  rabbitmq_env RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
    "$RABBITMQ_BIN/rabbitmq-server" -detached
  # -detached returns before the node exists; await_startup needs it to be reachable first.
  local deadline=$((SECONDS + 90))
  until rabbitmqctl_local -q await_startup --timeout 60 >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || die "RabbitMQ did not start; see $LOG_DIR/rabbitmq"
    sleep 1
  done
  # rabbitmq-server writes no pid file: ask the node for its OS pid, so 'down' can wait on it.
  rabbitmqctl_local -q eval 'list_to_integer(os:getpid()).' >"$RUN_DIR/rabbitmq.pid"
}

rabbitmq_down() {
  # No pid file: this checkout found the node already running (another checkout's) and used it.
  # Leave it to its owner; `rabbitmqctl stop <pidfile>` would also wait forever for the file.
  if [ ! -s "$RUN_DIR/rabbitmq.pid" ]; then
    rabbitmqctl_local -q status >/dev/null 2>&1 && say "RabbitMQ was not started here; leaving it"
    return 0
  fi
  if rabbitmqctl_local -q status >/dev/null 2>&1; then
    say "stopping RabbitMQ"
    rabbitmqctl_local -q stop "$RUN_DIR/rabbitmq.pid" >/dev/null 2>&1 || true
  fi
  rm -f "$RUN_DIR/rabbitmq.pid"
}

ferretdb_up() {
  pid_alive "$RUN_DIR/ferretdb.pid" && port_open "$MONGO_PORT" && return
  stop_by_pid ferretdb  # alive but not answering (still shutting down, or wedged)
  if port_open "$MONGO_PORT"; then say "127.0.0.1:$MONGO_PORT already answers (another checkout's server?); using it"; return; fi
  mkdir -p "$DATA_DIR/ferretdb"
  say "starting FerretDB (SQLite) on 127.0.0.1:$MONGO_PORT"
  start_daemon ferretdb "$LOG_DIR/ferretdb.log" "$FERRETDB" \
    --handler=sqlite --sqlite-url="file:$DATA_DIR/ferretdb/" \
    --listen-addr="127.0.0.1:$MONGO_PORT" --state-dir="$DATA_DIR/ferretdb" --debug-addr=- --telemetry=disable --log-level=warn
  wait_for_port "$MONGO_PORT" ferretdb 30 || die "FerretDB did not start; see $LOG_DIR/ferretdb.log"
}

seaweedfs_up() {
  pid_alive "$RUN_DIR/seaweedfs.pid" && port_open "$S3_PORT" && return
  stop_by_pid seaweedfs  # alive but not answering (still shutting down, or wedged)
  if port_open "$S3_PORT"; then say "127.0.0.1:$S3_PORT already answers (another checkout's server?); using it"; return; fi
  mkdir -p "$DATA_DIR/seaweedfs"
  cat >"$DATA_DIR/seaweedfs/s3.json" <<JSON
{"identities": [{"name": "jaryo",
  "credentials": [{"accessKey": "$JARYO_S3_ACCESS_KEY", "secretKey": "$JARYO_S3_SECRET_KEY"}],
  "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
JSON
  chmod 600 "$DATA_DIR/seaweedfs/s3.json"
  say "starting SeaweedFS S3 on 127.0.0.1:$S3_PORT"
  start_daemon seaweedfs "$LOG_DIR/seaweedfs.log" "$WEED" server \
    -dir="$DATA_DIR/seaweedfs" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -master.port="$WEED_MASTER_PORT" -master.volumeSizeLimitMB=256 \
    -volume.port="$WEED_VOLUME_PORT" -volume.max=0 \
    -filer -filer.port="$WEED_FILER_PORT" \
    -s3 -s3.port="$S3_PORT" -s3.config="$DATA_DIR/seaweedfs/s3.json"
  wait_for_port "$S3_PORT" seaweedfs 90 || die "SeaweedFS did not start; see $LOG_DIR/seaweedfs.log"
}

stop_by_pid() { # name
  local pidfile="$RUN_DIR/$1.pid"
  if pid_alive "$pidfile"; then
    local pid; pid=$(cat "$pidfile")
    say "stopping $1 (pid $pid)"
    kill -TERM "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$pidfile"
}

status() {
  local name port
  for pair in "rabbitmq:$RABBITMQ_PORT" "ferretdb:$MONGO_PORT" "seaweedfs:$S3_PORT"; do
    name=${pair%%:*} port=${pair##*:}
    if port_open "$port"; then echo "$name: up on 127.0.0.1:$port"; else echo "$name: down"; fi
  done
}

mkdir -p "$RUN_DIR" "$LOG_DIR"
case "${1:-}" in
  up) rabbitmq_up; ferretdb_up; seaweedfs_up ;;
  down) stop_by_pid seaweedfs; stop_by_pid ferretdb; rabbitmq_down ;;
  status) status ;;
  *) die "usage: $0 up|down|status" ;;
esac
