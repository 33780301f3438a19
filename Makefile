# Two commands do all the set-up on a fresh machine (README):
#   make run    a project-local environment (.venv) with svccli and its packages, then the daily
#               check on the sample office that ships in the repository (exit 3: overdue cases listed)
#   make test   the same environment, and the system packages the tests need where they are missing
#               (Chromium, a CJK font, Pango, poppler-utils, Java: see SYSTEM_PACKAGES), then ruff,
#               mypy and the tests
# .ci/run calls `make test`. VENV=DIR puts the environment elsewhere.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
READY := $(VENV)/.ready
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: run test lint browser

$(READY): pyproject.toml
	@python3 -m venv $(VENV) 2>/dev/null || { \
	  echo "make: python3-venv is missing; installing it with apt-get" >&2; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq python3-venv >/dev/null \
	  && python3 -m venv $(VENV); }
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	@touch $@

run: $(READY)
	$(VENV)/bin/svc --home . overdue

# What the tests need from Debian: Chromium and a CJK font (documents are looked at in a browser),
# Pango (WeasyPrint lays out --pdf), poppler-utils (the PDF tests read pages, fonts and text back), and
# a Java runtime (the roll-up test runs Spark in local mode).
SYSTEM_PACKAGES := chromium fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 poppler-utils default-jre-headless

browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Noto.*CJK" \
	    || ! command -v pdftotext >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1 \
	    || ! ldconfig -p | grep -q libpangoft2; then \
	  echo "make: installing $(SYSTEM_PACKAGES) with apt-get" >&2; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	fi

lint: $(READY)
	$(VENV)/bin/ruff check svccli tests bench
	$(VENV)/bin/ruff format --check svccli tests bench
	$(VENV)/bin/mypy svccli

# pytest exits 5 when it collects no test: a failure here too.
test: browser lint
	@$(PY) -m pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "make: pytest collected no tests" >&2; exit 1; fi; exit $$status
