# Two commands do everything on a fresh machine with Python 3.11+: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test run bench emulator clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/kentbot demo

test: $(STAMP)
	$(BIN)/pytest

run: $(STAMP)
	$(BIN)/kentbot db upgrade
	$(BIN)/kentbot run

emulator: $(STAMP)
	$(BIN)/python -m bot.emulator --host 127.0.0.1 --port 8081

bench: $(STAMP)
	$(BIN)/python tests/benchmarks/run.py

clean:
	rm -rf $(VENV) out build *.egg-info
