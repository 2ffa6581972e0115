# Influence Lab: two commands for a newcomer.
#   make test    set up .venv, run the unit tests, execute every notebook into the site, open it in a browser
#   make report  set up .venv, execute every notebook, write the site reports/ (and reports/reader/)
# Needs only Python 3.11+ and make. Everything else is installed into .venv.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# Where the two SNAP files can be read without the internet. Defaults to the
# shared mirror beside the checkout when it exists; override on the command
# line (make test INFLUENCE_LAB_MIRROR=/path) or leave empty to download.
INFLUENCE_LAB_MIRROR ?= $(abspath $(wildcard ../shared/datasets))
export INFLUENCE_LAB_MIRROR
export MPLBACKEND := Agg
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: help install test unit notebooks report student student-outputs bench data clean

help:
	@echo "make test     - install into $(VENV), run unit tests and execute every notebook"
	@echo "make report   - install, execute every notebook, write reports/index.html"
	@echo "make unit     - unit tests only"
	@echo "make student  - student copies of the notebooks (solutions and outputs removed) in student/"
	@echo "make student-outputs - the same with every figure and table kept (runs make report first)"
	@echo "make bench    - benchmarks (prints figures; writes benchmarks/results/)"
	@echo "make data     - regenerate data/ from the package (byte-identical content)"

$(BIN)/activate:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Influence Lab needs Python 3.11+, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (Influence Lab)" >/dev/null
	touch $@

install: $(VENV)/.installed

unit: install
	$(BIN)/python -m pytest -q tests

notebooks: install
	$(BIN)/python -m pytest -q --nbmake --nbmake-kernel=python3 --nbmake-timeout=1800 notebooks

# The unit tests; then the site, which executes every notebook (the build fails if one does); then the browser
# test on the built site (headless Chromium: .ci/run installs it; without a browser the test skips and says so).
test: install
	$(BIN)/python -m pytest -q tests
	$(BIN)/python -m influence_lab.course.report --notebooks notebooks --out reports
	INFLUENCE_LAB_SITE=reports $(BIN)/python -m pytest -q tests/test_site_browser.py

report: install
	$(BIN)/python -m influence_lab.course.report --notebooks notebooks --out reports

student: install
	$(BIN)/influence-lab student-copies student

# Student copies that keep every figure and table (not the solutions): for a class that does not code.
student-outputs: report
	$(BIN)/influence-lab student-copies student --notebooks reports/executed --keep-outputs

bench: install
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	$(BIN)/python benchmarks/run.py

data: install
	$(BIN)/influence-lab data generate --out data

clean:
	rm -rf reports student .pytest_cache .hypothesis
