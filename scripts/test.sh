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
# tests/faults runs in its short form here (each fault once); `make faults` runs the full one.
export JARYO_FAULTS=${JARYO_FAULTS:-short}
# Most of a test's time is spent waiting on a server, a worker or a browser, so the suite runs on
# several pytest workers (each session has its own namespace on the servers: tests/conftest.py).
# Tests marked `alone` assert a latency or a time budget, or kill processes under load and count
# what raced; they run afterwards, one at a time, so that the other workers' load is not what
# they measure. pytest's exit 5 is "nothing selected".
workers=${JARYO_TEST_WORKERS:-3}
status=0
say "pytest ($workers workers)"
"$bin/pytest" -n "$workers" --dist loadfile -m "not alone" --durations=15 "$@" || status=$?
[ "$status" = 5 ] && status=0
say "pytest (the tests that run alone)"
alone=0
"$bin/pytest" -m alone --durations=5 "$@" || alone=$?
[ "$alone" = 5 ] && alone=0
exit $((status ? status : alone))
