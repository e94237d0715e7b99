# LGR Share. Two commands: `make run` (set up, load the demo, serve) and `make test` (everything).
# `make unit` is the quick loop: the lint and every test but the browser tests (tests/browser).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The browser tests drive Debian's Chromium through Playwright (tests/browser/conftest.py).
CHROMIUM ?= $(or $(LGRSHARE_CHROMIUM),/usr/bin/chromium)

.PHONY: run test lint unit chromium lock clean

run: $(VENV)/.installed-base node_modules/.installed
	$(BIN)/lgrshare demo
	$(BIN)/lgrshare serve --host $(HOST) --port $(PORT)

# Chromium first: when it is missing and cannot be installed, stop before running anything.
test: chromium $(VENV)/.installed-dev node_modules/.installed lint
	$(call pytest)

# Everything but the browser tests, which need Chromium and take the longest.
unit: $(VENV)/.installed-dev node_modules/.installed lint
	$(call pytest,--ignore=tests/browser)

# Debian's (or Ubuntu's) `chromium` package, installed with apt-get when we are root or sudo needs
# no password; otherwise the one command to run is printed and make stops.
chromium:
	@if [ -x "$(CHROMIUM)" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then SUDO=""; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && command -v apt-get >/dev/null 2>&1; then SUDO="sudo -n"; \
	else \
		echo "The browser tests need Chromium at $(CHROMIUM), and make cannot install it here. Run:"; \
		echo ""; echo "    sudo apt-get install -y chromium"; echo ""; \
		echo "then make test again (make unit runs everything else without it)."; exit 1; \
	fi; \
	echo "== installing Debian's chromium for the browser tests"; \
	$$SUDO apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	if [ ! -x "$(CHROMIUM)" ]; then echo "apt-get installed chromium, but not at $(CHROMIUM)"; exit 1; fi

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# pytest exits 5 when it collects no tests: for this suite that means something is broken.
define pytest
	LGRSHARE_HOME=$(CURDIR)/var/test $(BIN)/pytest $(1) $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: the suite is broken"; fi; exit $$rc
endef

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "LGR Share needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)

# Locked, hashed dependency sets: `make run` needs base, `make test` needs dev (base + tools).
$(VENV)/.installed-base: $(BIN)/python requirements/build.txt requirements/base.txt pyproject.toml
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements/build.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements/base.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-base requirements/dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	touch $@

# GOV.UK Frontend from npm, compiled with Arial (services outside GOV.UK must not use its font).
node_modules/.installed: package.json package-lock.json frontend/govuk.scss
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p node_modules/.lgrshare
	npx --no-install sass --load-path=node_modules --style=compressed --no-source-map \
		--quiet-deps frontend/govuk.scss node_modules/.lgrshare/govuk-frontend.css
	touch $@

lock:
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile requirements/build.in --python-version 3.11 --generate-hashes -o requirements/build.txt
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -o requirements/base.txt
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements/dev.txt

clean:
	rm -rf $(VENV) node_modules
