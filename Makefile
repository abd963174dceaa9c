# SPDX-License-Identifier: MIT
# prospectd — GNU make + pkg-config. `make run` and `make check` bring in
# what a fresh Debian machine lacks (see `deps`), then build and run.

VERSION    := 0.1.0
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share
MANDIR     ?= $(DATADIR)/man
LOCALEDIR  ?= $(DATADIR)/locale
SYSCONFDIR ?= $(PREFIX)/etc
DOCDIR     ?= $(DATADIR)/doc/prospectd
PKG_CONFIG ?= pkg-config
USERUNITDIR ?= $(or $(shell $(PKG_CONFIG) --variable=systemduserunitdir systemd 2>/dev/null),$(PREFIX)/lib/systemd/user)

# Libraries the programs link, and what the tests add.
PKGS      := glib-2.0 gio-2.0 gio-unix-2.0 json-glib-1.0 libical sqlite3 libnotify
TEST_PKGS := cmocka

# What `deps` checks, and the Debian package that provides it when missing:
#   pc:MODULE (pkg-config), cmd:PROGRAM (on PATH), py:MODULE (Debian's python3).
DEPS := cmd:cc=build-essential cmd:pkg-config=pkg-config cmd:msgfmt=gettext \
        pc:glib-2.0=libglib2.0-dev pc:gio-unix-2.0=libglib2.0-dev \
        pc:json-glib-1.0=libjson-glib-dev pc:libical=libical-dev \
        pc:sqlite3=libsqlite3-dev pc:libnotify=libnotify-dev pc:cmocka=libcmocka-dev \
        py:icalendar=python3-icalendar py:dbusmock=python3-dbusmock \
        cmd:dbus-run-session=dbus-daemon cmd:valgrind=valgrind cmd:groff=groff-base \
        cmd:sqlite3=sqlite3 cmd:pkill=procps

SANITIZE ?=
ifeq ($(SANITIZE),1)
BUILD    ?= build-san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else
BUILD    ?= build
SANFLAGS :=
endif

WARNFLAGS := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 \
             -Wmissing-prototypes -Wstrict-prototypes
ifeq ($(WERROR),1)
WARNFLAGS += -Werror
endif

# Lazily evaluated: only a build that needs them asks pkg-config.
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS))
TEST_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(TEST_PKGS))
TEST_LIBS   = $(shell $(PKG_CONFIG) --libs $(TEST_PKGS))

CFLAGS ?= -O2 -g
ALL_CFLAGS = $(WARNFLAGS) $(SANFLAGS) -D_GNU_SOURCE -DG_LOG_USE_STRUCTURED \
             -DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74 \
             -DGETTEXT_PACKAGE='"prospectd"' -DLOCALEDIR='"$(LOCALEDIR)"' \
             -DPD_VERSION='"$(VERSION)"' -DPD_SYSCONFDIR='"$(SYSCONFDIR)"' \
             -Iinclude $(PKG_CFLAGS) $(CPPFLAGS) $(CFLAGS) -MMD -MP
ALL_LDFLAGS = $(SANFLAGS) $(LDFLAGS)

# Modules: every src/*.c but the daemon's main; the CLI is src/ctl/*.c.
MODULE_SRCS := $(filter-out src/prospectd.c,$(wildcard src/*.c))
CTL_SRCS    := $(wildcard src/ctl/*.c)
TEST_SRCS   := $(wildcard tests/test-*.c)
MODULE_OBJS := $(MODULE_SRCS:%.c=$(BUILD)/%.o)
CTL_OBJS    := $(CTL_SRCS:%.c=$(BUILD)/%.o)
TEST_BINS   := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)
BINS        := $(BUILD)/prospectctl $(if $(wildcard src/prospectd.c),$(BUILD)/prospectd)

.PHONY: all deps run check _check _run install uninstall clean pkgcheck
all: $(BINS)

# ---------------------------------------------------------------- deps
# Installs only what is missing; apt-get as root, through sudo otherwise,
# and elsewhere prints the list to install by hand.
deps:
	@missing=""; \
	for dep in $(DEPS); do \
	  what=$${dep%%=*}; package=$${dep#*=}; name=$${what#*:}; \
	  case $$what in \
	    pc:*) $(PKG_CONFIG) --exists $$name 2>/dev/null ;; \
	    cmd:*) command -v $$name >/dev/null 2>&1 ;; \
	    py:*) /usr/bin/python3 -c "import $$name" >/dev/null 2>&1 ;; \
	  esac || case " $$missing " in *" $$package "*) ;; *) missing="$$missing $$package" ;; esac; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
	  echo "prospectd needs these Debian packages (or your system's equivalent):$$missing" >&2; exit 1; \
	fi; \
	if [ "$$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi; \
	echo "Installing:$$missing"; \
	$$sudo apt-get update -q >/dev/null && \
	DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q --no-install-recommends $$missing

pkgcheck:
	@$(PKG_CONFIG) --exists --print-errors $(PKGS) || \
	  { echo "error: missing libraries; run 'make deps'" >&2; exit 1; }

# ---------------------------------------------------------------- build
$(BUILD)/%.o: %.c | pkgcheck
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/prospectd: $(BUILD)/src/prospectd.o $(MODULE_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

$(BUILD)/prospectctl: $(CTL_OBJS) $(MODULE_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

$(BUILD)/tests/%.o: tests/%.c | pkgcheck
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -c $< -o $@

$(BUILD)/tests/test-%: $(BUILD)/tests/test-%.o $(MODULE_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS) -lm

# ---------------------------------------------------------------- run
RUN_DIR := $(BUILD)/run
run: deps
	@$(MAKE) --no-print-directory _run
_run: $(BINS)
	@mkdir -p $(RUN_DIR)
	@printf '[daemon]\ncampaigns = %s\ndatabase = %s\nfeeds = %s\n' \
	  "$(CURDIR)/config/campaigns" "$(CURDIR)/$(RUN_DIR)/prospectd.db" "$(CURDIR)/$(RUN_DIR)/feeds" \
	  > $(RUN_DIR)/prospectd.conf
	./$(BUILD)/prospectctl --config $(RUN_DIR)/prospectd.conf plan example
	./$(BUILD)/prospectctl --config $(RUN_DIR)/prospectd.conf schedule example --to 2027-01-08
	./$(BUILD)/prospectctl --config $(RUN_DIR)/prospectd.conf export example

# ---------------------------------------------------------------- check
check: deps
	@$(MAKE) --no-print-directory _check
_check: $(BINS) $(TEST_BINS)
	@BUILD=$(BUILD) SANITIZE=$(SANITIZE) tests/run-all $(TEST_BINS)

# ---------------------------------------------------------------- install
UNITS := $(wildcard systemd/*.service)
install: $(BINS)
	for b in $(BINS); do install -D -m 0755 $$b $(DESTDIR)$(BINDIR)/$${b##*/}; done
	for m in man/*.[0-9]; do \
	  install -D -m 0644 $$m $(DESTDIR)$(MANDIR)/man$${m##*.}/$${m##*/}; done
	for u in $(UNITS); do \
	  install -D -m 0644 $$u $(DESTDIR)$(USERUNITDIR)/$${u##*/}; \
	  sed -i 's|@BINDIR@|$(BINDIR)|g' $(DESTDIR)$(USERUNITDIR)/$${u##*/}; done
	@# An installed configuration file is never overwritten.
	[ -e $(DESTDIR)$(SYSCONFDIR)/prospectd/prospectd.conf ] || \
	  install -D -m 0644 config/prospectd.conf $(DESTDIR)$(SYSCONFDIR)/prospectd/prospectd.conf
	install -D -m 0644 config/campaigns/example.conf $(DESTDIR)$(DOCDIR)/examples/example.conf

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/prospectd $(DESTDIR)$(BINDIR)/prospectctl \
	  $(DESTDIR)$(USERUNITDIR)/prospectd.service $(DESTDIR)$(DOCDIR)/examples/example.conf
	for m in man/*.[0-9]; do rm -f $(DESTDIR)$(MANDIR)/man$${m##*.}/$${m##*/}; done

clean:
	rm -rf build build-san

-include $(shell find build build-san -name '*.d' 2>/dev/null)
