# Two commands do everything on a fresh machine with Python 3.11+: `make demo` and `make test`.
# The venv gets kentbot and, beside it, its development tools (`devtools/`: the emulator, the
# demo, the test requirements), which the production package `pip install .` leaves out.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test run bench emulator mutate screenshots clean chromium

$(STAMP): pyproject.toml devtools/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e . -e ./devtools
	touch $(STAMP)

# axe-core for the browser tests, from the npm registry at the version package-lock.json pins.
BROWSER := devtools/browser
AXE := $(BROWSER)/node_modules/axe-core/axe.min.js

$(AXE): $(BROWSER)/package.json $(BROWSER)/package-lock.json
	npm ci --prefix $(BROWSER) --no-audit --no-fund --loglevel=error
	touch $(AXE)

demo: $(STAMP)
	$(BIN)/kentbot-demo

# The browser tests drive Debian's chromium, installed here when the machine has none.
chromium:
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

test: $(STAMP) $(AXE) chromium
	$(BIN)/pytest

# PNGs of the public pages in three languages, wide and at 360 px, from the demo's database
# (made by the demo first when there is none).
screenshots: $(STAMP)
	test -f data/demo.sqlite3 || $(BIN)/kentbot-demo
	$(BIN)/python -m devtools.browser.screenshots --database data/demo.sqlite3 --out docs/screenshots

run: $(STAMP)
	$(BIN)/kentbot db upgrade
	$(BIN)/kentbot run

emulator: $(STAMP)
	$(BIN)/python -m devtools.emulator --host 127.0.0.1 --port 8081

bench: $(STAMP)
	$(BIN)/python tests/benchmarks/run.py

MUTATION_STAMP := $(VENV)/.mutation-stamp

$(MUTATION_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e . -e './devtools[mutation]'
	touch $(MUTATION_STAMP)

# Mutation testing of the pure core ([tool.mutmut] in pyproject.toml), from scratch each time.
mutate: $(MUTATION_STAMP)
	rm -rf mutants
	$(BIN)/mutmut run --max-children 2 > mutants.log 2>&1 || (tail -n 30 mutants.log; exit 1)
	tail -n 3 mutants.log
	$(BIN)/python tests/mutation/summary.py

clean:
	rm -rf $(VENV) out build *.egg-info devtools/build devtools/*.egg-info $(BROWSER)/node_modules mutants mutants.log
