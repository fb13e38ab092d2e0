# snppe-report — two entry points: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= build/rapports

LOCK   := requirements.lock
UV     := $(shell sed -n 's/^uv==//p' $(LOCK))

.PHONY: demo test install lock system-deps lint bench clean

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

# Debian packages the tests need: Chromium (HTML screenshots), poppler (PDF to PNG).
system-deps:
	@if ! command -v chromium >/dev/null || ! command -v pdftoppm >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; \
	  else \
	    echo "chromium / poppler-utils absents : lancer « sudo apt-get install chromium poppler-utils »"; \
	  fi; \
	fi

test: install system-deps
	$(BIN)/ruff check snppe_report tests scripts benchmarks
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check snppe_report tests scripts benchmarks
	$(BIN)/ruff format --check snppe_report tests scripts benchmarks

bench: install
	$(BIN)/python benchmarks/bench_extract.py
	$(BIN)/python benchmarks/bench_report.py
	$(BIN)/python benchmarks/bench_batch.py

clean:
	rm -rf build
