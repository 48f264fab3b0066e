# PAR Desktop — newcomer commands. `make run` and `make test` set everything up on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
# `make bundle` builds in its own venv from the exact versions of constraints-bundle.txt.
BUNDLE_VENV := build/bundle-venv
STAMP := $(VENV)/.installed
export QT_QPA_PLATFORM ?= $(if $(DISPLAY),,offscreen)

.PHONY: run test test-fast bench bundle translations clean demo forms

$(STAMP): setup.cfg setup.py pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,build]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/par-desktop demo-gui

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not gui and not slow"

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/run.py

translations: $(STAMP)   # after editing resources/translations/*.ts: compile them (commit both)
	for ts in resources/translations/*.ts; do $(BIN)/pyside6-lrelease "$$ts" -qm "$${ts%.ts}.qm"; done

bundle: $(STAMP)
	test -d $(BUNDLE_VENV) || $(PY) -m venv $(BUNDLE_VENV)
	$(BUNDLE_VENV)/bin/python -m pip install -q -c constraints-bundle.txt -e '.[build]'
	$(BUNDLE_VENV)/bin/pyinstaller --noconfirm --clean build_installer.spec
	QT_QPA_PLATFORM=offscreen $(BUNDLE_VENV)/bin/python tests/bundle_smoke.py dist/par-desktop

# Designer forms compiled ahead of time (loading a .ui at start-up costs ~40 ms); tests/test_startup.py
# checks the compiled file is up to date.
forms: $(STAMP)
	$(BIN)/pyside6-uic -a forms/main_window.ui -o par_desktop/ui/shell_ui.py

clean:
	rm -rf build dist $(VENV) .pytest_cache
