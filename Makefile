# Everything a newcomer needs: `make run` (app on SQLite with a demo) and `make test` (the suite).
# The interpreter of the venv: the system's python3.11 where it can make a venv (Debian and Ubuntu
# build theirs with PGO and LTO, which runs our requests faster than a plain source build such as
# pyenv's: BENCHMARKS.md), else python3. `make clean` before changing it.
PYTHON ?= $(or $(shell /usr/bin/python3.11 -c 'import ensurepip' 2>/dev/null && echo /usr/bin/python3.11),python3)
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run setup compile test test-fast test-postgres bench translations clean

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(BIN)/.installed-dev: requirements-dev.txt $(BIN)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(BIN)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d translations -l $* 2>&1 | grep -v '^compiling' || true

compile: translations/nb/LC_MESSAGES/messages.mo

setup: $(BIN)/.installed compile
	$(FLASK) db upgrade
	$(FLASK) banks check

run: setup
	$(FLASK) demo
	@echo "Open http://$(HOST):$(PORT)/ (join a demo session with a code printed above)"
	$(FLASK) run --host $(HOST) --port $(PORT)

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: $(BIN)/.installed-dev compile node_modules/axe-core/axe.min.js
	bash scripts/install-system-packages.sh
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Everything but the tests marked slow (servers, browsers, threads, benchmarks, the property test),
# a process per core, on SQLite (PostgreSQL's test database is one for all).
test-fast: $(BIN)/.installed-dev compile
	env -u DATABASE_URL $(BIN)/python -m pytest -m "not slow" -n auto $(PYTEST_ARGS)

test-postgres:
	DATABASE_URL=$${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} $(MAKE) test

# The load benchmark on SQLite and on PostgreSQL (127.0.0.1:5432, user postgres), then the export
# benchmark; what they measure and how to read them: BENCHMARKS.md.
bench: setup $(BIN)/.installed-dev
	$(BIN)/python benchmarks/load.py --participants 100 --database sqlite
	$(BIN)/python benchmarks/load.py --participants 100 --database postgres
	$(BIN)/python benchmarks/export_benchmark.py

translations: $(BIN)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		-k N_ --ignore-dirs=".venv tests migrations" -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) instance translations/*/LC_MESSAGES/*.mo
