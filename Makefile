# The guide's front door. `make serve` and `make test` are all most people need.
# Every target installs what it needs first (once: see scripts/ensure_env.sh).

PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
LAB_PORT ?= 8888
APP_PORT ?= 3000

.DEFAULT_GOAL := help
export NO_MKDOCS_2_WARNING := 1
.PHONY: help install serve build notebooks test app lab bench bench-links links clean lock

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

install: ## Install Python (.venv) and npm dependencies, and chromium, if their lock files changed
	@bash scripts/ensure_env.sh

serve: install ## Execute the notebooks, build the site and serve it with live reload at http://127.0.0.1:8000
	$(PY) -m mkdocs serve --dev-addr $(HOST):$(PORT) --livereload

build: install ## Build the static site into site/ (strict: any warning fails)
	$(PY) -m mkdocs build --strict

notebooks: install ## Execute the notebooks into build/notebooks (cached by content; FORCE=1 to rerun)
	$(PY) -m guide_tools.notebooks $(if $(FORCE),--force)

# Two workers, each module whole on one (tests/conftest.py orders them).
TEST_WORKERS ?= 2

test: install ## Run the whole test suite (extra pytest options: PYTEST_ARGS=..., workers: TEST_WORKERS=2)
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder $(PYTEST_ARGS)

app: install ## Serve the reference app's Next.js UI at http://127.0.0.1:3000 against the seeded playground (APP_PORT=3000)
	$(PY) -m guide_tools.app --host $(HOST) --port $(APP_PORT)

lab: install ## Open JupyterLab on the notebooks, with the playground ready
	cd notebooks && ../$(PY) -m jupyter lab --ip $(HOST) --port $(LAB_PORT) --no-browser $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: review
review: install ## Review a Convex app against the guide (APP=path, default the reference app; REVIEW_ARGS="--format markdown")
	$(PY) -m convex_review $(or $(APP),snippets/convex) $(REVIEW_ARGS)

bench: install ## Print benchmark numbers (playground latency, site build, notebooks)
	$(PY) scripts/bench.py

bench-links: install ## Only the link checker benchmark: ours vs lychee, linkchecker, markdown-link-check (~6 min)
	$(PY) scripts/bench_links.py
	$(PY) scripts/bench_links_bigpage.py

links: install ## Check every link in the guide, external ones too, and every registry fact on its docs page; report in build/link-report.md
	@mkdir -p build
	$(PY) scripts/check_links.py --format markdown --output build/link-report.md $(LINKCHECK_ARGS); status=$$?; \
	  $(PY) -m guide_tools.facts_drift --output build/link-report.md; drift=$$?; \
	  cat build/link-report.md; if [ $$status -ne 0 ]; then exit $$status; fi; exit $$drift

lock: ## Re-pin requirements.lock from requirements.in (needs pip-tools)
	$(PY) -m piptools compile --quiet --strip-extras --allow-unsafe --no-header -o requirements.lock requirements.in

clean: ## Remove build outputs (keeps the installed dependencies)
	rm -rf site build .pytest_cache
