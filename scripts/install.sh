#!/usr/bin/env bash
# Installs whatever is missing: Debian packages, uv, FerretDB, SeaweedFS and kustomize binaries
# (built from the Go module proxy and cached outside the repo, keyed by version), Tesseract's
# best_int language data and the AsyncAPI 3.0 JSON Schema (from npm, cached the same way), the
# Python environment, and the web app's npm packages (web/package-lock.json).
# Idempotent: a warm machine passes through in seconds.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# LibreOffice renders deck previews and checks decks convert; Noto CJK gives it Hangul glyphs.
# Chromium is the browser the end-to-end tests drive (tests/e2e; no browser can be downloaded).
APT_PACKAGES=(rabbitmq-server tesseract-ocr tesseract-ocr-kor tesseract-ocr-eng
  libreoffice-impress fonts-noto-cjk poppler-utils chromium)

install_debian_packages() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return
  say "installing Debian packages: ${missing[*]}"
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  # Keep the package from starting its own default node: we run ours under .data/.
  local policy=/usr/sbin/policy-rc.d created_policy=""
  if [ ! -e $policy ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee $policy >/dev/null && $sudo chmod +x $policy
    created_policy=1
  fi
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
  [ -z "$created_policy" ] || $sudo rm -f $policy
  stop_default_rabbitmq_node
}

stop_default_rabbitmq_node() {
  # If the package did start the default node anyway, it would hold port 5672.
  local default_node="rabbit@$(hostname -s)"
  if "$RABBITMQ_BIN/rabbitmqctl" -n "$default_node" -q status >/dev/null 2>&1; then
    say "stopping the default RabbitMQ node $default_node started by the package"
    "$RABBITMQ_BIN/rabbitmqctl" -n "$default_node" stop || true
  fi
}

install_uv() {
  [ -x "$UV" ] && return
  say "installing uv $UV_VERSION into $CACHE_DIR"
  python3 -m venv "$CACHE_DIR/uv-$UV_VERSION"
  "$CACHE_DIR/uv-$UV_VERSION/bin/pip" install -q "uv==$UV_VERSION"
}

install_ferretdb() {
  [ -x "$FERRETDB" ] && return
  say "building FerretDB $FERRETDB_VERSION (first time only, ~2 min)"
  # `go install ...@v1.24.2` builds a binary that panics at start-up: the module lacks the
  # build/version/version.txt that FerretDB's own build generates. So build the module source
  # from the Go module proxy with that one file written, as `task gen-version` would.
  local module src
  module=$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')
  src=$(mktemp -d)
  cp -r "$module/." "$src" && chmod -R u+w "$src"
  echo "$FERRETDB_VERSION" >"$src/build/version/version.txt"
  mkdir -p "$BIN_DIR"
  (cd "$src" && CGO_ENABLED=0 go build -trimpath -o "$FERRETDB.partial" ./cmd/ferretdb)
  mv "$FERRETDB.partial" "$FERRETDB"
  rm -rf "$src"
}

install_seaweedfs() {
  [ -x "$WEED" ] && return
  say "building SeaweedFS $SEAWEEDFS_VERSION (first time only, several minutes)"
  mkdir -p "$BIN_DIR"
  (cd "$JARYO_ROOT/scripts/tools/seaweedfs" \
    && CGO_ENABLED=0 go build -trimpath -o "$WEED.partial" github.com/seaweedfs/seaweedfs/weed)
  mv "$WEED.partial" "$WEED"
}

install_kustomize() {
  [ -x "$KUSTOMIZE" ] && return
  say "building kustomize $KUSTOMIZE_VERSION (first time only, ~1 min)"
  # `go install` has no -o: install into a scratch GOBIN, then move the binary into the cache.
  local gobin
  gobin=$(mktemp -d)
  mkdir -p "$BIN_DIR"
  CGO_ENABLED=0 GOBIN=$gobin go install -trimpath \
    "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
  mv "$gobin/kustomize" "$KUSTOMIZE.partial"
  mv "$KUSTOMIZE.partial" "$KUSTOMIZE"
  rm -rf "$gobin"
}

install_tessdata() {
  [ -f "$TESSDATA_DIR/kor.traineddata" ] && [ -f "$TESSDATA_DIR/eng.traineddata" ] && return
  command -v npm >/dev/null || die "npm is required to fetch Tesseract's best_int language data"
  say "fetching Tesseract best_int language data $TESSDATA_VERSION (npm @tesseract.js-data)"
  local work lang
  work=$(mktemp -d)
  mkdir -p "$TESSDATA_DIR"
  for lang in kor eng; do
    (cd "$work" && npm pack --silent "@tesseract.js-data/$lang@$TESSDATA_VERSION" >/dev/null)
    tar -xzf "$work/tesseract.js-data-$lang-$TESSDATA_VERSION.tgz" -C "$work" \
      "package/4.0.0_best_int/$lang.traineddata.gz"
    gunzip -c "$work/package/4.0.0_best_int/$lang.traineddata.gz" >"$TESSDATA_DIR/$lang.partial"
    mv "$TESSDATA_DIR/$lang.partial" "$TESSDATA_DIR/$lang.traineddata"
  done
  rm -rf "$work"
}

install_asyncapi_schema() {
  [ -f "$ASYNCAPI_SCHEMA" ] && return
  command -v npm >/dev/null || die "npm is required to fetch the AsyncAPI JSON Schema"
  say "fetching the AsyncAPI 3.0.0 JSON Schema (npm @asyncapi/specs@$ASYNCAPI_SPECS_VERSION)"
  local work
  work=$(mktemp -d)
  mkdir -p "$(dirname "$ASYNCAPI_SCHEMA")"
  (cd "$work" && npm pack --silent "@asyncapi/specs@$ASYNCAPI_SPECS_VERSION" >/dev/null)
  tar -xzf "$work/asyncapi-specs-$ASYNCAPI_SPECS_VERSION.tgz" -C "$work" \
    'package/schemas/3.0.0-without-$id.json'
  mv "$work/package/schemas/3.0.0-without-\$id.json" "$ASYNCAPI_SCHEMA.partial"
  mv "$ASYNCAPI_SCHEMA.partial" "$ASYNCAPI_SCHEMA"
  rm -rf "$work"
}

install_python_env() {
  say "syncing the Python environment (uv.lock)"
  (cd "$JARYO_ROOT" && "$UV" sync --frozen --all-packages --quiet)
}

install_web_packages() {
  # npm ci wipes and refills node_modules: only when it is missing or the lock file changed.
  local lock_digest stamp="$JARYO_ROOT/web/node_modules/.jaryo-lock-digest"
  lock_digest=$(sha256sum "$JARYO_ROOT/web/package-lock.json" | cut -d' ' -f1)
  [ "$(cat "$stamp" 2>/dev/null)" = "$lock_digest" ] && return
  command -v npm >/dev/null || die "npm is required to build the web app"
  say "installing the web app's npm packages (web/package-lock.json)"
  (cd "$JARYO_ROOT/web" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock_digest" >"$stamp"
}

command -v go >/dev/null || die "Go is required to build FerretDB, SeaweedFS and kustomize"
install_debian_packages
install_uv
install_ferretdb
install_seaweedfs
install_kustomize
install_tessdata
install_asyncapi_schema
install_python_env
install_web_packages
say "everything is installed"
