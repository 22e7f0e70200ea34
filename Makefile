# tanzhi set-up: `make demo` and `make test` are the whole story (README).
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
VENV := .venv
STAMP := $(VENV)/.synced
VENDOR := src/tanzhi/web/static/vendor
export TANZHI_DATA_DIR ?= $(CURDIR)/var

.PHONY: demo test env assets system-deps serve lint bench clean

## Python environment from uv.lock (uv itself comes from the package registry when missing)
env: $(STAMP)
$(STAMP): pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen
	@touch $(STAMP)

## Front-end libraries from the npm registry (package-lock.json), copied next to the app
assets: $(VENDOR)/.built
$(VENDOR)/.built: package.json package-lock.json
	npm ci --no-audit --no-fund
	mkdir -p $(VENDOR)
	cp node_modules/echarts/dist/echarts.min.js node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	@touch $@

## Debian packages the tests need: chromium for the end-to-end tests, CJK fonts and Pango for
## WeasyPrint's PDFs
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || ! ldconfig -p | grep -q libpangoft2; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; fi; \
	fi
	@# pg_dump/pg_restore for `tanzhi backup` / `tanzhi restore` on PostgreSQL (issue #8)
	@if ! command -v pg_dump >/dev/null 2>&1 || ! command -v pg_restore >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client >/dev/null; fi; \
	fi

demo: env assets
	$(UV) run tanzhi db upgrade
	$(UV) run tanzhi demo
	$(UV) run tanzhi serve --host 127.0.0.1 --port 8000

serve: env assets
	$(UV) run tanzhi serve

## Two workers on a 2-core machine (pytest-xdist); a module's tests stay on one worker, so its
## module-scoped fixtures (demo copies, live servers) are built once (issue #10 item 6); the
## longest modules go first (tests/conftest.py HEAVY_FIRST), each module is one xdist group
test: env assets system-deps
	$(UV) run pytest -n 2 --dist loadgroup --no-loadscope-reorder

# lint-imports runs from the repo root, where it finds lint/faces.py (the faces contract type)
lint: env
	$(UV) run ruff check src tests lint
	$(UV) run lint-imports

bench: env
	for b in bench/bench_*.py; do $(UV) run python $$b || exit 1; done

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var .pytest_cache
