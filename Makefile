# Parcours — `make run` serves the app with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi

.PHONY: run test bench venv dev lint clean translations compile-translations browser screenshots bytecode

# The venv is rebuilt when a requirements file changes. pip byte-compiles what it installs: where
# PYTHONDONTWRITEBYTECODE is set (CI machines often set it) nothing is ever cached after install, and each
# process (test workers, gunicorn workers, the CLI) would compile every module again (~3 s of CPU each).
$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(BIN)/.dev-installed: $(BIN)/.installed requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# The project's own modules, for the same reason (up-to-date ones are skipped: a second or less).
bytecode: venv
	$(BIN)/python -m compileall -q -j 0 app config.py wsgi.py migrations tests bench >/dev/null

venv: $(BIN)/.installed
dev: $(BIN)/.dev-installed

# Translations: `make translations` re-extracts every marked string into the template and merges it
# into each language's catalog (created when missing); translate the new entries in the .po files.
# The compiled .mo files are not in git: they are rebuilt from their .po, only when it changed.
# Fuzzy entries (update's guesses, not yet reviewed) are left out: English shows until reviewed.
TRANSLATIONS := app/translations
POT := $(TRANSLATIONS)/messages.pot
TRANSLATION_LANGUAGES ?= fr ar
MO_FILES := $(patsubst %.po,%.mo,$(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po))
# --ignore-dirs replaces pybabel's default, which also skips every directory starting with `_`: the
# macros of templates/_macros/ (the form error summary, the pager) were never extracted, so never translated.
# tests/test_i18n.py extracts with the same arguments.
EXTRACT_ARGS := -k _l -k N_ -k lazy_gettext -k lazy_pgettext:1c,2 --ignore-dirs '.* __pycache__'

translations: venv
	mkdir -p $(TRANSLATIONS)
	$(BIN)/pybabel extract -F babel.cfg $(EXTRACT_ARGS) --project Parcours \
		--copyright-holder "Parcours contributors" -o $(POT) .
	for lang in $(TRANSLATION_LANGUAGES); do \
		if [ -f $(TRANSLATIONS)/$$lang/LC_MESSAGES/messages.po ]; then \
			$(BIN)/pybabel update -i $(POT) -d $(TRANSLATIONS) -l $$lang --ignore-obsolete || exit 1; \
		else \
			$(BIN)/pybabel init -i $(POT) -d $(TRANSLATIONS) -l $$lang || exit 1; \
		fi; \
	done

compile-translations: $(MO_FILES)

$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po | $(BIN)/.installed
	$(BIN)/pybabel -q compile -d $(TRANSLATIONS) -l $*

# The first FLASK_DEBUG=1 command writes a random secret to instance/secret_key; later runs and the CLI reuse it.
# The interactive debugger runs any Python for whoever reaches it: on when HOST is loopback, never otherwise.
DEBUGGER = $(shell $(BIN)/python -c 'import sys, config; print("--debugger" if config.debugger_allowed(sys.argv[1]) else "--no-debugger")' '$(HOST)')
run: venv compile-translations bytecode
	FLASK_DEBUG=1 $(FLASK) db upgrade
	FLASK_DEBUG=1 $(FLASK) demo --if-empty
	FLASK_DEBUG=1 FLASK_RUN_HOST=$(HOST) SCHEDULER_ENABLED=1 HOST=$(HOST) PORT=$(PORT) $(FLASK) run --host $(HOST) --port $(PORT) $(DEBUGGER)

# The browser tests (tests/browser/) drive Debian's chromium through Playwright; no browser is ever downloaded.
# When it is missing, root with apt-get installs it; anyone else is told how. Without it the browser tests
# skip on a developer's machine and fail in CI (`CI` or `REQUIRE_BROWSER=1`, as `.ci/run` sets).
CHROMIUM ?= /usr/bin/chromium
browser:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "$(CHROMIUM) is missing: installing Debian's chromium for the browser tests (apt-get)"; \
			export DEBIAN_FRONTEND=noninteractive; \
			apt-get install -y -qq chromium >/dev/null 2>&1 || \
				{ apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } || \
				echo "apt-get could not install chromium: the browser tests will skip (and fail in CI)"; \
		else \
			echo "$(CHROMIUM) is missing: the browser tests will skip (and fail in CI)."; \
			echo "Install it with: sudo apt-get install -y chromium"; \
		fi; \
	fi

# One worker per core (pytest-xdist); the browser tests and the other shared worlds stay on one worker
# each (`xdist_group`, see tests/conftest.py). `make test PYTEST_ARGS="tests/projects -k gate" XDIST=` runs a
# subset in one process.
# One worker per core, not more: the suite keeps every core busy (chromium and PostgreSQL included), and
# each worker collects every test again (~18 s). On 2 cores: 4:51 with 2 workers, 5:45-6:01 with 3.
XDIST ?= -n $(shell nproc) --dist loadgroup
test: dev compile-translations browser bytecode
	$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)

# The pictures of docs/screenshots/: the browser tests, saving each main page at two widths in both languages.
screenshots: dev compile-translations browser
	SCREENSHOTS=1 $(BIN)/python -m pytest $(XDIST) tests/browser

# `make bench [SCALE=0.1] [BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test]`: generates the
# synthetic portfolio (SQLite, and PostgreSQL in a database of its own on that server), measures every figure
# beside its same-run baseline, prints the table and writes bench/results/latest.json. See docs/performance.md.
SCALE ?= 1
bench: dev compile-translations bytecode
	SCALE=$(SCALE) BENCH_POSTGRES_URL=$(BENCH_POSTGRES_URL) $(BIN)/python -m bench.run --scale $(SCALE) $(BENCH_ARGS)

lint: dev
	$(BIN)/ruff check app tests bench config.py wsgi.py

clean:
	rm -rf $(VENV) .pytest_cache
