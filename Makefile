# Release Tracker: `make run` serves the demo locally, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Local runs only: DEBUG on, the embedded defaults (SQLite, filesystem broker) unless overridden.
LOCAL_ENV := DEBUG=$${DEBUG:-1}

.PHONY: venv messages run test lint migrate demo worker clean

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# Translation catalogues (locale/*.po -> .mo) with polib: no system gettext needed.
messages: venv
	SECRET_KEY=$${SECRET_KEY:-compile-only} $(PY) manage.py compile_translations

migrate: messages
	$(LOCAL_ENV) $(PY) manage.py migrate --noinput

demo: migrate
	$(LOCAL_ENV) $(PY) manage.py load_demo
	$(LOCAL_ENV) $(PY) manage.py ensure_admin --url http://$(HOST):$(PORT)/admin/

# Serves http://$(HOST):$(PORT)/ with a Celery worker in the background for imports.
run: demo
	@echo "Release Tracker: http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	$(LOCAL_ENV) $(PY) -m celery -A tracker worker --loglevel=INFO --pool=threads --concurrency=2 & \
	worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(LOCAL_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

worker: venv
	$(LOCAL_ENV) $(PY) -m celery -A tracker worker --loglevel=INFO

test: messages
	SECRET_KEY=$${SECRET_KEY:-test-only-secret-key} $(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .

clean:
	find locale -name '*.mo' -delete
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* var test-artifacts staticfiles
