# Kimi Desktop build tasks. `make help` lists them.

PYTHON ?= .venv/bin/python
DIST ?= dist
BUILD ?= build
BUNDLE := $(DIST)/kimi-desktop

.DEFAULT_GOAL := help
.PHONY: help icons package install-desktop uninstall-desktop clean-package

help:
	@echo "make icons              render the app icon (PNG sizes, .ico, .icns) into $(BUILD)/icons"
	@echo "make package            build $(BUNDLE)/ and the Linux .tar.gz archive (needs pyinstaller)"
	@echo "make install-desktop    install the bundle for this user (menu entry, icons, launcher)"
	@echo "make uninstall-desktop  remove it again (conversations and settings are kept)"
	@echo "make clean-package      delete $(BUILD)/ and $(DIST)/"

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
