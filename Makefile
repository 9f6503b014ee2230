# The README's quick start: `make demo` (set up and assess the bundled sample draft),
# `make test` (set up and run every test). Both create .venv on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test setup system-deps clean

$(STAMP): setup.cfg pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

# Debian packages WeasyPrint, the PDF tests and the browser tests need (installed only when missing).
system-deps:
	@bash .ci/system-deps

# Assess the bundled sample, write the reports to out/, then serve the web app with the
# sample stored on http://127.0.0.1:5000/ (Ctrl+C stops it).
demo: system-deps $(STAMP)
	$(BIN)/checklist demo --out out --serve

test: system-deps $(STAMP)
	$(BIN)/pytest

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis
