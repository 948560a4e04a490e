# fastclean: two commands, `make demo` and `make test`. Both create/refresh .venv/ at the repo root.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DATA ?= $(firstword $(wildcard ../shared/data) $(HOME)/.cache/fastclean/data)

.PHONY: demo test venv bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[vision,text,app,dask,dev,audit]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/fastclean find digits --noise 10 --seed 0 --out demo-run --overwrite

test: $(STAMP)
	FASTCLEAN_DATA=$(abspath $(DATA)) HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q tests

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_core.py

clean:
	rm -rf $(VENV) demo-run .pytest_cache .hypothesis
