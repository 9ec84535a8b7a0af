# Two entry points: `make report` and `make test`. Both set up .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
KERNEL := truce-monitor
# Touched after a successful install; rebuilt only when the pins or the package metadata change.
STAMP  := $(VENV)/.installed
# The test-only tools (pytest, nbval, playwright: the `test` extra), installed by `make test` only.
TEST_STAMP := $(VENV)/.installed-test

.PHONY: report test setup lab validate clean

report: $(STAMP)
	$(BIN)/truce build

test: $(TEST_STAMP)
	$(BIN)/python -m pytest

setup: $(STAMP)

# Extra JupyterLab options, e.g. make lab LAB_ARGS="--allow-root --port 8899"
LAB_ARGS ?=

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/ $(LAB_ARGS)

validate: $(STAMP)
	$(BIN)/truce validate

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (truce-monitor)" >/dev/null
	@# Outputs never reach a commit: git runs each notebook through nbstripout (this clone only, .git/config).
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then $(BIN)/nbstripout --install; fi
	touch $(STAMP)

$(TEST_STAMP): $(STAMP) requirements-test.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-test.lock
	touch $(TEST_STAMP)

clean:
	rm -rf $(VENV) reports/_failed .pytest_cache
