# Parcours — `make run` serves the app with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi

.PHONY: run test bench venv dev lint clean translations compile-translations

# The venv is rebuilt when a requirements file changes.
$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(BIN)/.dev-installed: $(BIN)/.installed requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(BIN)/.installed
dev: $(BIN)/.dev-installed

# Translations: `make translations` re-extracts every marked string into the template and merges it
# into each language's catalog (created when missing); translate the new entries in the .po files.
# The compiled .mo files are not in git: they are rebuilt from their .po, only when it changed.
TRANSLATIONS := app/translations
POT := $(TRANSLATIONS)/messages.pot
TRANSLATION_LANGUAGES ?= fr
MO_FILES := $(patsubst %.po,%.mo,$(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po))

translations: venv
	mkdir -p $(TRANSLATIONS)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --project Parcours \
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
	$(BIN)/pybabel -q compile -d $(TRANSLATIONS) -l $* -f

run: venv compile-translations
	FLASK_DEBUG=1 $(FLASK) db upgrade
	FLASK_DEBUG=1 $(FLASK) demo --if-empty
	FLASK_DEBUG=1 SCHEDULER_ENABLED=1 $(FLASK) run --host $(HOST) --port $(PORT)

test: dev compile-translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: dev
	$(BIN)/ruff check app tests config.py wsgi.py

clean:
	rm -rf $(VENV) .pytest_cache
