PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean sample templates addin

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/mspxl demo --out out

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check mspxl tests samples templates workbook bench
	$(BIN)/lint-imports --no-cache

sample: $(STAMP)
	$(BIN)/python samples/make_sample.py

templates: $(STAMP)
	$(BIN)/python templates/make_templates.py

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet pandas
	$(BIN)/python bench/run.py $(BENCH_ARGS)

addin: $(STAMP)
	$(BIN)/python workbook/build_addin.py

clean:
	rm -rf $(VENV) out
