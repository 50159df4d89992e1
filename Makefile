# The two commands: `make up` runs the whole cluster locally, `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help up down test faults install infra status lock ocr-eval ocr-eval-photos draft-eval bench asyncapi web

help:
	@echo "make up      install what is missing, start everything, print the gateway URL"
	@echo "make test    install what is missing, start the servers, run lint, types and tests"
	@echo "make down    stop what 'make up' started"
	@echo "make faults  the full fault suite: kill each server and service under load (docs/reliability.md)"
	@echo "make status  which local servers are up"
	@echo "make ocr-eval  score the OCR path on ../shared/samples/ocr (beside raw Tesseract) and photos"
	@echo "make ocr-eval-photos  score the photo set without and with the capture step"
	@echo "make draft-eval  how faithful drafts of ../shared/samples are, per background (needs make infra)"
	@echo "make bench  the throughput table: upload, OCR and deck benches in one run (needs make infra)"
	@echo "make asyncapi  regenerate docs/asyncapi.yaml (the event contract) from the models"
	@echo "make web     build the browser app into web/dist if its sources changed (make up does)"

up:
	@bash scripts/up.sh

down:
	@bash scripts/down.sh

test:
	@bash scripts/test.sh $(PYTEST_ARGS)

# The fault suite on servers of its own (never the ones 'make up' started); `make test` runs its
# short form after the rest of the suite, alone.
faults: install
	@source scripts/lib.sh && JARYO_FAULTS=full "$$UV_PROJECT_ENVIRONMENT/bin/pytest" tests/faults $(PYTEST_ARGS)

install:
	@bash scripts/install.sh

infra: install
	@bash scripts/infra.sh up

status:
	@bash scripts/infra.sh status

# The scan set, then the phone photos (issue 18): each read without and with the capture step
# (which the service runs), with the step's time.
ocr-eval: install
	@source scripts/lib.sh && "$$UV" run --frozen python -m ocr_service.evaluate \
		--samples "$${JARYO_OCR_SAMPLES:-../shared/samples/ocr}" --capture $(OCR_EVAL_ARGS)
	@$(MAKE) --no-print-directory ocr-eval-photos

ocr-eval-photos: install
	@source scripts/lib.sh && "$$UV" run --frozen python -m ocr_service.evaluate \
		--samples "$${JARYO_PHOTO_SAMPLES:-../shared/samples/photos}" --capture $(OCR_EVAL_ARGS)

# DRAFT_EVAL_ARGS="--only slides --modes clean --json out.json --keep renders" narrows it down.
draft-eval: install
	@source scripts/lib.sh && "$$UV" run --frozen python -m bench.draft_eval \
		--samples "$${JARYO_DRAFT_SAMPLES:-../shared/samples}" $(DRAFT_EVAL_ARGS)

# BENCH_ARGS="--quick" or "--only ocr" narrows it down (docs/performance.md).
bench: install
	@source scripts/lib.sh && "$$UV" run --frozen python -m bench.throughput $(BENCH_ARGS)

lock:
	@source scripts/lib.sh && "$$UV" lock

asyncapi: install
	@source scripts/lib.sh && "$$UV" run --frozen python -m jaryo_ops.asyncapi > docs/asyncapi.yaml

web: install
	@bash scripts/web-build.sh
