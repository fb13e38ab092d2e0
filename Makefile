# snppe-report — two entry points: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= build/rapports
# axe-core (accessibility rules) for the HTML checks in headless Chromium (tests/a11y.py)
AXE_VERSION := 4.10.3
AXE    := build/node/node_modules/axe-core/axe.min.js

.PHONY: demo test install system-deps axe lint bench clean

# The venv is (re)built when pyproject.toml changes.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Main job: the reports of the example workbooks shipped in data/.
# Seed 001 does not name its département: the demo attributes it with --departement.
demo: install
	$(BIN)/snppe extract data/68-haut-rhin-tdb-snppe-2023.xlsx -o build/extraction/68-haut-rhin-2023.csv
	$(BIN)/snppe check data/68-haut-rhin-tdb-snppe-2023.xlsx
	$(BIN)/snppe check data/tdb-snppe-2021-departement-non-nomme.xlsx --departement 39
	$(BIN)/snppe report data/68-haut-rhin-tdb-snppe-2023.xlsx -o $(OUT)
	$(BIN)/snppe report data/tdb-snppe-2021-departement-non-nomme.xlsx --departement 39 -o $(OUT)
	@echo "Rapports écrits dans $(OUT)/"

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

# axe-core from the npm registry into build/node (no browser download: Debian's chromium runs it).
$(AXE):
	npm install --prefix build/node --no-audit --no-fund --no-save --silent axe-core@$(AXE_VERSION)

axe: system-deps $(AXE)

test: install system-deps axe
	$(BIN)/ruff check snppe_report tests scripts benchmarks
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check snppe_report tests scripts benchmarks
	$(BIN)/ruff format --check snppe_report tests scripts benchmarks

bench: install
	$(BIN)/python benchmarks/bench_extract.py
	$(BIN)/python benchmarks/bench_report.py
	$(BIN)/python benchmarks/bench_batch.py
	$(BIN)/python benchmarks/bench_consolidated.py

clean:
	rm -rf build
