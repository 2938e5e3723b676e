# Two commands on a fresh machine: `make run` and `make test`.
# Each bootstraps .venv, installs the project and prepares the database.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: help install db run test lint format clean

help:
	@echo "make run    - install, migrate, load the seed bank and serve on http://127.0.0.1:$(PORT)/"
	@echo "make test   - install and run the whole test suite"
	@echo "make lint   - ruff check and format check"
	@echo "make format - ruff format and fix"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

# DEBUG=true is for local development only; production sets SECRET_KEY instead.
db: export DEBUG ?= true
db: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_bank

run: export DEBUG ?= true
run: db
	$(BIN)/python manage.py ensure_local_admin
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: export SECRET_KEY ?= insecure-key-for-the-test-suite-only
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
