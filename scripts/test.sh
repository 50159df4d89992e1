#!/usr/bin/env bash
# `make test`: install what is missing, start the servers the tests need, lint, type-check and
# run the whole suite. Exits non-zero on any failure. Servers are left running for the next run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

bash "$JARYO_ROOT/scripts/install.sh"
bash "$JARYO_ROOT/scripts/infra.sh" up
cd "$JARYO_ROOT"
bin=$UV_PROJECT_ENVIRONMENT/bin
say "ruff"
"$bin/ruff" check .
"$bin/ruff" format --check .
say "mypy"
"$bin/mypy"
say "import contracts"
# .importlinter: no service imports another, the shared library imports none, views no pymongo.
"$bin/lint-imports" --no-logo .importlinter
say "web unit tests (vitest)"
(cd web && npm test --silent)
say "pytest"
# tests/faults runs in its short form here (each fault once); `make faults` runs the full one.
export JARYO_FAULTS=${JARYO_FAULTS:-short}
exec "$bin/pytest" --durations=15 "$@"
