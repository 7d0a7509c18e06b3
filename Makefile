# The portal's two commands: `make run` and `make test`. Everything they need, they install.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
# A number of this checkout's own, from its path: two checkouts on one machine test against
# databases and Redis keys of their own (DATABASE_URL and REDIS_KEY_PREFIX override it).
CHECKOUT := $(shell printf '%s' "$(CURDIR)" | cksum | cut -d' ' -f1)

.PHONY: run code test pytest images worldmap mutants bench bench-newsletter bench-search bench-load bench-2g screenshots backup restore install messages lint format system-deps clean

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

# axe-core (the browser tests' accessibility audit) and world-atlas (`make worldmap`), from npm.
node_modules/.installed: package.json package-lock.json | system-deps
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The world map's geometry, from Natural Earth as the world-atlas package ships it on npm, into
# mountainpartnership/worldmap/countries.json: committed, so `make run` and production need no
# npm. Rerun after changing world-atlas's version; a test checks the file matches its source.
worldmap: install node_modules/.installed
	$(PY) -m mountainpartnership.worldmap.build

# Compile the French and Spanish catalogues (pure Python: no gettext needed).
messages: install
	@$(VENV)/bin/pybabel compile --domain django --directory locale --statistics 2>&1 | grep -v '^$$' || true

# The portal on this machine with nothing else installed: the web server, a Celery worker and
# the beat (manage.py runportal; Ctrl-C stops all three) on SQLite, with an embedded broker of
# files under var/celery/ and email written to var/mail. DATABASE_URL and REDIS_URL switch to
# PostgreSQL and Redis.
run: install messages
	@mkdir -p $${VAR_DIR:-var}
	$(PY) manage.py migrate --noinput
	$(PY) manage.py loaddemo
	$(PY) manage.py search_rebuild
	@$(PY) manage.py localadmin
	$(PY) manage.py runportal 127.0.0.1:8000

# The local secretariat login's current authenticator code (the admin asks for one).
code: install
	@$(PY) manage.py localadmin --code

# The logo's files under mountainpartnership/static/mountainpartnership/ (mark.svg, logo-<lang>.svg,
# og-<lang>.png), drawn again from mountainpartnership/identity.py; they are committed, and a
# test checks that they match the drawing.
images: install system-deps
	$(PY) -m mountainpartnership.identity

# Tools the suite uses that come from Debian rather than PyPI (installed when missing,
# as root on Debian; anywhere else, a clear line says what to install).
# docker-compose validates docker-compose.yml; gettext's xgettext finds untranslated strings;
# Chromium runs the browser tests (Playwright's own browser download does not work here).
# Cairo and the DejaVu fonts draw the social preview from the logo (`make images`, and the
# test that the committed PNGs are what the logo draws).
SYSTEM_TOOLS := docker-compose:docker-compose xgettext:gettext chromium:chromium npm:npm
SYSTEM_FILES := /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf:fonts-dejavu-core
system-deps:
	@missing=""; for pair in $(SYSTEM_TOOLS); do \
	  command -v $${pair%%:*} >/dev/null || missing="$$missing $${pair#*:}"; done; \
	for pair in $(SYSTEM_FILES); do test -e $${pair%%:*} || missing="$$missing $${pair#*:}"; done; \
	ldconfig -p 2>/dev/null | grep -q 'libcairo\.so\.2 ' || missing="$$missing libcairo2"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing from Debian:$$missing"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) >/dev/null \
	      || { echo "make test: could not install$$missing with apt-get." >&2; exit 1; }; \
	  else \
	    echo "make test: missing Debian packages:$$missing (install them: apt-get install$$missing)." >&2; exit 1; \
	  fi; \
	fi

# The whole suite against a real PostgreSQL and Redis on localhost. The test database is
# test_mountainpartnership_<checkout>; every Redis key starts with mp<checkout>:.
test: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/mountainpartnership_$(CHECKOUT)
test: export REDIS_URL ?= redis://127.0.0.1:6379/0
test: export REDIS_KEY_PREFIX ?= mp$(CHECKOUT)
test: install messages system-deps node_modules/.installed
	@$(PY) -m tests.services
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	DATABASE_URL=sqlite://:memory: $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

# Part of the suite, with the same database and Redis as `make test`:
# make pytest ARGS="-x tests/activities".
pytest: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/mountainpartnership_$(CHECKOUT)
pytest: export REDIS_URL ?= redis://127.0.0.1:6379/0
pytest: export REDIS_KEY_PREFIX ?= mp$(CHECKOUT)
pytest: install messages
	@$(PY) -m tests.services
	$(PY) -m pytest $(ARGS)

# Mutation testing (not part of `make test`): mutmut plants one small bug at a time in the
# permission, service, sending, token, report, filter and page-cache modules and runs the tests
# that reach it; prints the score per module and overall. MODULES="newsletter.tokens ..."
# runs only those; `$(PY) tests/mutants.py survivors` shows what survived. See the README.
mutants: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/mountainpartnership_$(CHECKOUT)
mutants: export REDIS_URL ?= redis://127.0.0.1:6379/0
mutants: export REDIS_KEY_PREFIX ?= mp$(CHECKOUT)
mutants: install messages
	@$(PY) -m tests.services
	$(PY) tests/mutants.py run $(MODULES)

# Server time of the directory with 10,000 members, on a scratch PostgreSQL database.
bench: install messages
	@DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mountainpartnership_bench} \
	  REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} $(PY) -m tests.services
	$(PY) benchmarks/directory.py

# Newsletter throughput and crash test: real Celery workers on Redis, a local SMTP sink.
bench-newsletter: install messages
	@DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mountainpartnership_newsletter_bench} \
	  REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} $(PY) -m tests.services
	$(PY) benchmarks/newsletter.py

# Site search over 10,000 members, 5,000 activities and 50,000 posts, on a scratch database.
bench-search: install messages
	@DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mountainpartnership_search_bench} \
	  REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} $(PY) -m tests.services
	$(PY) benchmarks/search.py

# gunicorn with production settings under wrk: a mix of public pages against a bare view.
bench-load: install messages
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } \
	  || { echo "make bench-load needs wrk (apt-get install wrk)." >&2; exit 1; }
	@DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mountainpartnership_load_bench} \
	  REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} $(PY) -m tests.services
	$(PY) benchmarks/load.py

# Time to a usable page on an emulated 2G line (250 kbit/s, 300 ms), cold, in Debian's Chromium
# with JavaScript off: the demo data, gunicorn with production settings. Fails over 1.5 s.
bench-2g: install messages system-deps
	@DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mountainpartnership_2g_bench} \
	  REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} $(PY) -m tests.services
	$(PY) benchmarks/slow_network.py

# Screenshots of the public pages and the sign-in page, desktop and phone, in the three
# languages, into docs/screenshots/ (the demo data on a scratch database, served as in production).
screenshots: install messages system-deps
	@DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mountainpartnership_screenshots} \
	  REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} $(PY) -m tests.services
	$(PY) benchmarks/screenshots.py

# A compressed pg_dump (custom format) of DATABASE_URL and the uploaded files, in one archive
# under var/backups/; restore it with `make restore FILE=var/backups/backup-….tar` into a new,
# empty database (createdb, then point DATABASE_URL at it).
backup: install
	$(PY) manage.py backup

restore: install
	@test -n "$(FILE)" || { echo "Which backup? make restore FILE=var/backups/backup-….tar"; exit 2; }
	$(PY) manage.py restore "$(FILE)"

lint:
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format:
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

clean:
	rm -rf $(VENV) var/static
