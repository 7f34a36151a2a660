# Registry of classified documents: developer tasks.
#
#   make install    .venv with the project's dependencies (+ Debian fonts for PDFs)
#   make run        migrate, load the demo data once, serve on 127.0.0.1:8000
#   make test       the whole test suite on a throwaway PostgreSQL (PYTEST_ARGS=...)
#   make bench      the benchmarks: printed forms, and the registry at 10k and 1M documents (BENCH_ARGS=...)
#   make serve      production settings under gunicorn on 127.0.0.1:8000 (HTTPS, throwaway PostgreSQL)
#   make loadtest   locust against make serve's set-up: 50 people, 60 s, think time and closed loop
#   make lint       ruff and bandit
#   make clean-db   forget the local SQLite database and its demo-data stamp
#
# DATABASE_URL, when set, is used as is by run, test and bench.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.ONESHELL:
.DEFAULT_GOAL := help

PYTHON      ?= python3
VENV        := .venv
VENV_PY     := $(VENV)/bin/python
PYPROJECT_SHA := $(shell sha256sum pyproject.toml 2>/dev/null | cut -c1-16)
INSTALL_STAMP := $(VENV)/.installed-$(PYPROJECT_SHA)

# Debian packages: CJK fonts and HarfBuzz subsetting for WeasyPrint's PDFs;
# Chromium (Playwright drives Debian's build) and poppler-utils for the tests.
DEBS_RUNTIME := fonts-noto-cjk libharfbuzz-subset0
DEBS_TEST    := chromium poppler-utils gettext

SQLITE_DB   := var/registry.sqlite3
DEMO_STAMP  := var/.demo-loaded
RUN_ADDR    ?= 127.0.0.1:8000
BENCH_DIR   := var/bench
BENCH_ARGS  ?=
# The bench cluster's memory: what a city's database server would give its PostgreSQL.
BENCH_PG_OPTS ?= -c shared_buffers=2GB -c effective_cache_size=12GB -c work_mem=32MB -c maintenance_work_mem=1GB -c max_wal_size=8GB -c checkpoint_timeout=30min
# The suite runs on every core (pytest-xdist: one test database per worker); PYTEST_ARGS= runs it serially.
PYTEST_ARGS ?= -n auto

# ensure_debs PKG...: install the Debian packages that are missing, as root or
# through passwordless sudo; otherwise warn and go on. apt-get update runs only
# when something is to be installed.
define ENSURE_DEBS_FN
ensure_debs() {
    local p missing=()
    if ! command -v dpkg-query >/dev/null 2>&1; then
        echo "warning: not a Debian system; make sure these are installed: $$*" >&2
        return 0
    fi
    for p in "$$@"; do
        if [ "$$(dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null)" != "install ok installed" ]; then
            missing+=("$$p")
        fi
    done
    [ $${#missing[@]} -eq 0 ] && return 0
    local sudo=()
    if [ "$$(id -u)" != 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            sudo=(sudo -n)
        else
            echo "warning: missing Debian packages: $${missing[*]} (not root and no passwordless sudo);" >&2
            echo "warning: install them with: sudo apt-get install $${missing[*]}" >&2
            return 0
        fi
    fi
    echo "Installing Debian packages: $${missing[*]}"
    local apt=("$${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300)
    "$${apt[@]}" update -qq
    "$${apt[@]}" install -y -qq --no-install-recommends "$${missing[@]}"
}
endef
export ENSURE_DEBS_FN

.PHONY: help install run test bench serve loadtest lint clean-db

help:
	@sed -n 's/^#   make /make /p' $(firstword $(MAKEFILE_LIST))

install:
	@eval "$$ENSURE_DEBS_FN"
	ensure_debs $(DEBS_RUNTIME)
	# A usable venv on Python >= 3.11, recreated if broken.
	if [ -e $(VENV) ] && ! $(VENV_PY) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
	    echo "$(VENV) is broken or too old: recreating it"
	    rm -rf $(VENV)
	fi
	if [ ! -e $(VENV_PY) ]; then
	    py=""
	    for cand in $(PYTHON) python3.11 python3; do
	        if command -v "$$cand" >/dev/null 2>&1 && "$$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
	            py=$$cand; break
	        fi
	    done
	    if [ -z "$$py" ]; then echo "error: Python 3.11 or newer is needed (tried $(PYTHON), python3.11, python3)" >&2; exit 1; fi
	    echo "Creating $(VENV) with $$("$$py" -V)"
	    "$$py" -m venv $(VENV)
	fi
	if [ -z "$(PYPROJECT_SHA)" ]; then echo "error: cannot hash pyproject.toml" >&2; exit 1; fi
	if [ ! -e $(INSTALL_STAMP) ]; then
	    echo "Installing the project with test extras into $(VENV)"
	    $(VENV_PY) -m pip install --disable-pip-version-check -q -e '.[test]'
	    # setuptools leaves its build metadata in the work tree; nothing reads it.
	    rm -rf ./*.egg-info
	    rm -f $(VENV)/.installed-*
	    touch $(INSTALL_STAMP)
	fi

run: install
	@# DEBUG off unless DJANGO_DEBUG=true: refused pages answer the registry's own zh-Hant pages,
	@# never Django's debug page; static files are served by the application (WhiteNoise).
	export DJANGO_DEBUG="$${DJANGO_DEBUG:-false}" REGISTRY_DEVELOPMENT=true
	# The stamp belongs to the SQLite database: a new database gets the demo data again.
	if [ -z "$${DATABASE_URL:-}" ] && [ ! -e $(SQLITE_DB) ]; then rm -f $(DEMO_STAMP); fi
	$(VENV_PY) manage.py migrate --noinput
	if [ -n "$${DATABASE_URL:-}" ]; then
	    $(VENV_PY) manage.py seed_demo
	elif [ ! -e $(DEMO_STAMP) ]; then
	    $(VENV_PY) manage.py seed_demo
	    mkdir -p $(dir $(DEMO_STAMP))
	    touch $(DEMO_STAMP)
	fi
	$(VENV_PY) manage.py seed_demo --print-logins
	exec $(VENV_PY) manage.py runserver $(RUN_ADDR)

test: install
	@eval "$$ENSURE_DEBS_FN"
	debs="$(DEBS_TEST)"
	# The throwaway cluster needs the server binaries.
	if [ -z "$${DATABASE_URL:-}" ] && ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
	    debs="$$debs postgresql"
	fi
	ensure_debs $$debs
	rc=0
	# WITH_REPLICA: a streaming replica beside the throwaway cluster, for tests/scale/test_read_replica.py.
	WITH_REPLICA=$${WITH_REPLICA:-1} scripts/with-postgres.sh $(VENV)/bin/pytest $(PYTEST_ARGS) || rc=$$?
	if [ "$$rc" -eq 5 ]; then
	    echo "error: pytest collected no tests (exit code 5): failing" >&2
	    exit 1
	elif [ "$$rc" -ne 0 ]; then
	    echo "error: the test suite failed (pytest exit code $$rc)" >&2
	    exit "$$rc"
	fi

bench: install
	@# The cluster and its bench offices are kept under var/bench/ (built once, minutes; reused after).
	mkdir -p $(BENCH_DIR)
	export DJANGO_DEBUG=false DJANGO_SECRET_KEY="$$($(VENV_PY) -c 'import secrets; print(secrets.token_urlsafe(64))')"
	# The bench offices' chains are keyed with a key kept beside them (var/bench/audit_key).
	. scripts/audit-key.sh
	use_audit_key $(BENCH_DIR)
	PG_DATA_DIR=$(BENCH_DIR)/pgdata PG_SERVER_OPTS="$(BENCH_PG_OPTS)" \
	    scripts/with-postgres.sh $(VENV_PY) manage.py bench $(BENCH_ARGS)

serve: install
	@# Production settings under gunicorn on 127.0.0.1:8000 (HTTPS, a self-signed certificate under
	@# var/serve/); a throwaway PostgreSQL unless DATABASE_URL is set; the demo data when empty.
	scripts/with-postgres.sh scripts/serve.sh

loadtest: install
	@BENCH_PG_OPTS="$(BENCH_PG_OPTS)" scripts/loadtest.sh

lint: install
	@if [ ! -x $(VENV)/bin/ruff ] || [ ! -x $(VENV)/bin/bandit ]; then
	    $(VENV_PY) -m pip install --disable-pip-version-check -q ruff bandit
	fi
	rc=0
	$(VENV)/bin/ruff check . || rc=1
	dirs=()
	for d in config registry classification; do [ -d "$$d" ] && dirs+=("$$d"); done
	# registry/bench writes its SQL from whole numbers and fixed names (S608 is off there in ruff too).
	$(VENV)/bin/bandit -q -r "$${dirs[@]}" -x tests,registry/bench,registry/management/commands/bench.py || rc=1
	exit "$$rc"

clean-db:
	rm -f $(SQLITE_DB) $(SQLITE_DB)-journal $(SQLITE_DB)-wal $(SQLITE_DB)-shm $(DEMO_STAMP)
