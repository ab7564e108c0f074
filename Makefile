# Waymark: two commands do everything on a fresh machine.
#   make up    start the whole platform (embedded: SQLite, no servers) with demo data
#   make test  install what the tests need and run every test
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PACKAGES := shared services/directory services/audit services/planner services/destinations services/reporting
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.test-installed
# The pages' stylesheet and scripts, built from frontend/ by scripts/build-frontend (npm).
ASSETS_DIR := shared/src/waymark_shared/web/pages/static
ASSETS := $(ASSETS_DIR)/waymark.css
PORT ?= 8000

.PHONY: up test lint bench contracts freeze install install-test frontend system-packages postgres clean

up: install
	$(BIN)/waymark up --port $(PORT)

test: install-test system-packages postgres lint
	$(BIN)/pytest -n 2 --dist loadgroup --timeout 600

lint: install-test
	$(BIN)/lint-imports pyproject.toml
	$(BIN)/ruff check .

bench: install-test postgres
	$(BIN)/python -m bench

contracts: install
	$(BIN)/waymark contracts --out contracts

install: $(STAMP) $(ASSETS)
$(STAMP): $(foreach p,$(PACKAGES),$(p)/pyproject.toml) requirements/constraints.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements/constraints.txt $(foreach p,$(PACKAGES),-e $(p))
	touch $@

install-test: install $(TEST_STAMP)
$(TEST_STAMP): $(STAMP) requirements/test.txt
	$(BIN)/pip install --quiet -c requirements/constraints.txt -r requirements/test.txt
	touch $@

frontend: $(ASSETS)
$(ASSETS): frontend/package.json frontend/package-lock.json $(wildcard frontend/*.scss frontend/*.js frontend/*.svg) scripts/build-frontend
	scripts/build-frontend

# Debian packages the tests drive: the PostgreSQL server and client, and Chromium.
system-packages:
	@scripts/ensure-system-packages

postgres:
	@scripts/ensure-postgres

# Re-pin requirements/constraints.txt from what is installed in .venv.
freeze: install-test
	{ echo "# Versions the Makefile installs with (pip -c): regenerate with 'make freeze' after changing a dependency."; \
	  $(BIN)/pip freeze --exclude-editable | grep -v '^-e\|^waymark\|^#'; } > requirements/constraints.txt

clean:
	rm -rf $(VENV) var frontend/node_modules $(ASSETS_DIR)
