# Two commands on a fresh machine:
#   make search q="права мигрантов"  install, index the bundled corpus if needed, search it
#   make test                         install with test extras, run the test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
CORPUS ?= corpus
INDEX  ?= index
q      ?= права мигрантов

.PHONY: install install-test index search test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e .

install-test: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'

index: install
	$(BIN)/searchkit index $(CORPUS) --index $(INDEX)

search: install
	@test -f $(INDEX)/searchkit.json || $(BIN)/searchkit index $(CORPUS) --index $(INDEX)
	$(BIN)/searchkit search '$(subst ','\'',$(q))' --index $(INDEX)

test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/ruff check searchkit tests bench
	$(BIN)/ruff format --check searchkit tests bench
	$(BIN)/mypy searchkit

bench: install
	$(BIN)/pip install -q -e '.[bench]'
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info
	find $(INDEX) -mindepth 1 ! -name .gitkeep -delete
