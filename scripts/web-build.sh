#!/usr/bin/env bash
# Builds the browser app into web/dist when its sources (or the gateway code its typed API client
# is generated from) changed since the last build; a no-op otherwise. `make up` runs it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cd "$JARYO_ROOT"
sources_digest() {
  find web/src web/scripts web/index.html web/package.json web/package-lock.json \
    web/tsconfig.json web/vite.config.ts gateway/gateway -type f \
    ! -name schema.d.ts ! -path '*/__pycache__/*' -print0 \
    | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
}

# One build at a time: parallel test workers each ask for the app; the later ones find it built.
exec 9>web/.build-lock
flock 9
stamp=web/.build-stamp
digest=$(sources_digest)
if [ -f web/dist/index.html ] && [ "$(cat "$stamp" 2>/dev/null)" = "$digest" ]; then
  exit 0
fi
say "building the web app into web/dist"
# api-types generates the client's types from the gateway's /openapi.json, run in-process.
(cd web && JARYO_PYTHON="$UV_PROJECT_ENVIRONMENT/bin/python" npm run --silent build)
echo "$digest" >"$stamp"
