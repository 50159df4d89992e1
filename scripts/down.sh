#!/usr/bin/env bash
# `make down`: stop the services `make up` started and the local servers, each by its pid.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cluster="$RUN_DIR/cluster.pid"
if pid_alive "$cluster"; then
  pid=$(cat "$cluster")
  say "stopping the services (honcho, pid $pid)"
  kill -TERM "$pid"
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
fi
rm -f "$cluster"
bash "$JARYO_ROOT/scripts/infra.sh" down
