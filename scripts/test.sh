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
# they measure. The two parts choose the markers and the workers: a -m or -n of the caller's
# would replace theirs (pytest keeps the last), so it is refused.
for arg in "$@"; do
  case $arg in
  -m | -m* | -n | -n* | --numprocesses*)
    echo "make test: $arg is the two parts' own (scripts/test.sh); run $bin/pytest directly" >&2
    exit 4
    ;;
  esac
done
workers=${JARYO_TEST_WORKERS:-3}
status=0
say "pytest ($workers workers)"
"$bin/pytest" -n "$workers" --dist loadfile -m "not alone" --durations=15 "$@" || status=$?
# pytest's exits: 1 tests failed (the second part still runs, to report everything), 2
# interrupted, 3 internal error, 4 usage error (stop here), 5 nothing selected (in this part).
case $status in 0 | 1 | 5) ;; *) exit "$status" ;; esac
say "pytest (the tests that run alone)"
alone=0
"$bin/pytest" -m alone --durations=5 "$@" || alone=$?
case $alone in 0 | 1 | 5) ;; *) exit "$alone" ;; esac
if [ "$status" = 5 ] && [ "$alone" = 5 ]; then
  exit 5 # nothing at all was selected: a mistyped -k or path
fi
[ "$status" = 5 ] && status=0
[ "$alone" = 5 ] && alone=0
exit $((status ? status : alone))
