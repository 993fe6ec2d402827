# Developer entry points. `make demo` and `make test` create .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The real public data sets live beside the repository on the project's machines. In a
# clone elsewhere the folder is missing, the variable stays empty and those tests skip.
CREDITLINE_DATA_HOME ?= $(wildcard $(abspath ../shared/data))
export CREDITLINE_DATA_HOME
# PostgreSQL server for the integration tests; each run creates and drops its own database.
CREDITLINE_TEST_PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
export CREDITLINE_TEST_PG_URL
ARGS ?=
PYTEST_ARGS ?=

.PHONY: demo test install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/creditline demo $(ARGS)

# pytest exits 5 when it collected no tests; that must fail, not pass silently.
test: $(STAMP)
	@# Browser tests drive Debian's Chromium; install it when missing (root, as on CI).
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)
	@$(BIN)/python -m pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; \
	exit $$status

clean:
	rm -rf $(VENV) demo .pytest_cache
