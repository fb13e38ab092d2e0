# snppe-report — two entry points: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= build/rapports
# axe-core (accessibility rules) for the HTML checks in headless Chromium (tests/a11y.py)
AXE_VERSION := 4.14.1
AXE    := build/axe/node_modules/axe-core/axe.min.js

LOCK   := requirements.lock
UV     := $(shell sed -n 's/^uv==//p' $(LOCK))

.PHONY: demo test install lock system-deps axe lint bench clean lab

# The venv gets exactly the versions of requirements.lock, those the tests passed with
# (uv installs them: pip would take minutes), and is synced again when the lock or
# pyproject.toml changes.
$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV)
	$(BIN)/uv pip sync --quiet --python $(BIN)/python $(LOCK)
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# After a change of the dependencies in pyproject.toml: resolve them again into the lock
# (versions already locked are kept when they still fit; `make lock UPGRADE=1` takes the
# newest), then `make test`, and commit requirements.lock with pyproject.toml.
lock:
	test -x $(BIN)/uv || $(MAKE) install
	$(BIN)/uv pip compile --quiet pyproject.toml --extra dev --python $(BIN)/python \
	  $(if $(UPGRADE),--upgrade) -o $(LOCK)

# Main job: the reports of the example workbooks shipped in data/.
# Seed 001 does not name its département: the demo attributes it with --departement.
demo: install
	$(BIN)/snppe extract data/68-haut-rhin-tdb-snppe-2023.xlsx -o build/extraction/68-haut-rhin-2023.csv
	$(BIN)/snppe check data/68-haut-rhin-tdb-snppe-2023.xlsx
	$(BIN)/snppe check data/tdb-snppe-2021-departement-non-nomme.xlsx --departement 39
	$(BIN)/snppe report data/68-haut-rhin-tdb-snppe-2023.xlsx -o $(OUT)
	$(BIN)/snppe report data/tdb-snppe-2021-departement-non-nomme.xlsx --departement 39 -o $(OUT)
	@echo "Rapports écrits dans $(OUT)/"
	# A small fictive batch: its consolidated data are the defaults of notebooks/synthese_nationale.ipynb.
	$(BIN)/snppe demo-data -n 16 -o build/classeurs-demo
	$(BIN)/snppe batch build/classeurs-demo -o build/lot-demo --format html
	@echo "Lot fictif et synthèse nationale écrits dans build/lot-demo/"

# Debian packages the tests need: Chromium (HTML screenshots, accessibility checks),
# poppler (PDF to PNG), Node.js and npm (to install axe-core).
system-deps:
	@if ! command -v chromium >/dev/null || ! command -v pdftoppm >/dev/null || ! command -v npm >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils nodejs npm >/dev/null; \
	  else \
	    echo "chromium / poppler-utils / npm absents : lancer « sudo apt-get install chromium poppler-utils nodejs npm »"; \
	  fi; \
	fi

# axe-core from the npm registry into build/axe (no browser download: Debian's chromium runs it).
$(AXE): | system-deps
	npm install --prefix build/axe --no-save --no-audit --no-fund --silent axe-core@$(AXE_VERSION)

axe: $(AXE)

test: install system-deps $(AXE)
	$(BIN)/ruff check snppe_report tests scripts benchmarks
	$(BIN)/python -m pytest

# JupyterLab on the notebooks; as root (containers) it needs --allow-root.
# LAB_OPTIONS: e.g. make lab LAB_OPTIONS="--ip=0.0.0.0 --no-browser".
LAB_OPTIONS ?=
lab: install
	$(BIN)/jupyter lab notebooks/ $$(test "$$(id -u)" = 0 && echo --allow-root) $(LAB_OPTIONS)

lint: install
	$(BIN)/ruff check snppe_report tests scripts benchmarks
	$(BIN)/ruff format --check snppe_report tests scripts benchmarks

bench: install
	$(BIN)/python benchmarks/bench_extract.py
	$(BIN)/python benchmarks/bench_report.py
	$(BIN)/python benchmarks/bench_batch.py
	$(BIN)/python benchmarks/bench_synthesis.py
	$(BIN)/python benchmarks/bench_consolidated.py

clean:
	rm -rf build
