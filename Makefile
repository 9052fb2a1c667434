# Kimi Desktop build tasks. `make help` lists them.

PYTHON ?= .venv/bin/python
DIST ?= dist
BUILD ?= build
BUNDLE := $(DIST)/kimi-desktop

.DEFAULT_GOAL := help
.PHONY: help run test bench icons package install-desktop uninstall-desktop clean-package

help:
	@echo "make run                install (first time) and launch the app"
	@echo "make test               install (first time) and run every check and test"
	@echo "make bench              measure every performance figure against its budget"
	@echo "make icons              render the app icon (PNG sizes, .ico, .icns) into $(BUILD)/icons"
	@echo "make package            build $(BUNDLE)/ and the Linux .tar.gz archive (needs pyinstaller)"
	@echo "make install-desktop    install the bundle for this user (menu entry, icons, launcher)"
	@echo "make uninstall-desktop  remove it again (conversations and settings are kept)"
	@echo "make clean-package      delete $(BUILD)/ and $(DIST)/"

# --- everyday -----------------------------------------------------------------

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

bench:  # uses the .venv that `make test` sets up
	$(PYTHON) benchmarks/run_all.py

# --- packaging ----------------------------------------------------------------

icons:
	$(PYTHON) packaging/build_icons.py $(BUILD)/icons

package:
	PYTHON=$(PYTHON) DIST=$(DIST) BUILD=$(BUILD) bash packaging/build_linux.sh

$(BUNDLE)/kimi-desktop:
	$(MAKE) package

install-desktop: $(BUNDLE)/kimi-desktop
	bash packaging/linux/install.sh $(BUNDLE)

uninstall-desktop:
	bash packaging/linux/uninstall.sh

clean-package:
	rm -rf $(BUILD) $(DIST)
