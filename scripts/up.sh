#!/usr/bin/env bash
# `make up`: install what is missing, start the servers, provision them, build the web app if its
# sources changed, then run the gateway and the five workers in the foreground with prefixed
# logs. Ctrl-C or `make down` stops them.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bash "$JARYO_ROOT/scripts/install.sh"
bash "$JARYO_ROOT/scripts/infra.sh" up
cd "$JARYO_ROOT"
"$UV_PROJECT_ENVIRONMENT/bin/python" scripts/provision.py
bash "$JARYO_ROOT/scripts/web-build.sh"
export JARYO_GATEWAY_BIND=127.0.0.1:$GATEWAY_PORT
# The local cluster may call webhooks on this machine (http, loopback, private addresses);
# never set in production (docs/api.md, Webhooks). Only here: the tests choose it themselves.
export JARYO_WEBHOOKS_ALLOW_LOCAL=${JARYO_WEBHOOKS_ALLOW_LOCAL:-true}
export PATH=$UV_PROJECT_ENVIRONMENT/bin:$PATH
say "Jaryo: http://127.0.0.1:$GATEWAY_PORT/  (the web app; API under /v1, readiness /readyz; stop: make down)"
echo $$ >"$RUN_DIR/cluster.pid"
exec honcho --procfile Procfile start
