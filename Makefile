# SPDX-License-Identifier: MIT
# prospectd — GNU make + pkg-config. `make run` and `make check` bring in
# what a fresh Debian machine lacks (see `deps`), then build and run.

VERSION    := 0.1.0
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share
MANDIR     ?= $(DATADIR)/man
LOCALEDIR  ?= $(DATADIR)/locale
DOCDIR     ?= $(DATADIR)/doc/prospectd
PKG_CONFIG ?= pkg-config
# Under the prefix like everything else: systemd --user also looks in
# /usr/local/lib/systemd/user (`systemd-analyze --user unit-paths`).
USERUNITDIR ?= $(PREFIX)/lib/systemd/user

# Libraries the programs link, and what the tests add. The core library
# links against GLib alone; prospectctl without libnotify and libsoup (it
# shows no notification and serves no feed). libpq is compiled against but
# not linked: src/store-pg-lib.c loads it when a PostgreSQL database is
# opened (it and its libraries are some 5 MiB of every process); the
# tests link it (test-store-copy calls it).
PKGS      := glib-2.0 gio-2.0 gio-unix-2.0 gmodule-2.0 json-glib-1.0 libical sqlite3 libnotify libsoup-3.0
CORE_PKGS := glib-2.0
CTL_PKGS  := glib-2.0 gio-2.0 gio-unix-2.0 gmodule-2.0 json-glib-1.0 libical sqlite3
PQ_PKGS   := libpq
TEST_PKGS := cmocka
# libcsv (the prospect files' CSV, src/csv-import.c) has no pkg-config file.
CSV_LIBS  := -lcsv

# What `deps` checks, and the Debian package that provides it when missing:
#   pc:MODULE (pkg-config), cmd:PROGRAM (on PATH), py:MODULE (Debian's python3),
#   file:PATH (an executable file: Debian installs PostgreSQL's server
#   programs off PATH, in /usr/lib/postgresql/15/bin),
#   path:PATH (a file the package installs: fr_FR's locale source, which the
#   tests compile into a private LOCPATH, see `translations`).
DEPS := cmd:cc=build-essential cmd:pkg-config=pkg-config cmd:msgfmt=gettext \
        pc:glib-2.0=libglib2.0-dev pc:gio-unix-2.0=libglib2.0-dev \
        pc:json-glib-1.0=libjson-glib-dev pc:libical=libical-dev \
        pc:sqlite3=libsqlite3-dev pc:libnotify=libnotify-dev pc:cmocka=libcmocka-dev \
        pc:libsoup-3.0=libsoup-3.0-dev cmd:curl=curl \
        py:icalendar=python3-icalendar py:dbusmock=python3-dbusmock \
        cmd:dbus-run-session=dbus-daemon cmd:valgrind=valgrind cmd:groff=groff-base \
        cmd:systemd-analyze=systemd \
        cmd:sqlite3=sqlite3 cmd:pkill=procps \
        cmd:clang=clang cmd:clang=libclang-rt-14-dev \
        pc:libpq=libpq-dev file:/usr/lib/postgresql/15/bin/initdb=postgresql-15 \
        file:/usr/lib/postgresql/15/bin/psql=postgresql-client-15 \
        cmd:xgettext=gettext path:/usr/share/i18n/locales/fr_FR=locales \
        path:/usr/include/csv.h=libcsv-dev \
        cmd:chromium=chromium py:lxml=python3-lxml

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

# Lazily evaluated, once: only a build that needs them asks pkg-config,
# and then once per variable, not once per object (the first use replaces
# the variable by its value).
once = $(eval $(1) := $$(shell $(PKG_CONFIG) $(2)))$($(1))
PKG_CFLAGS  = $(call once,PKG_CFLAGS,--cflags $(PKGS) $(PQ_PKGS))
PQ_LIBS     = $(call once,PQ_LIBS,--libs $(PQ_PKGS))
PKG_LIBS    = $(call once,PKG_LIBS,--libs $(PKGS))
CORE_LIBS   = $(call once,CORE_LIBS,--libs $(CORE_PKGS))
CTL_LIBS    = $(call once,CTL_LIBS,--libs $(CTL_PKGS))
TEST_CFLAGS = $(call once,TEST_CFLAGS,--cflags $(TEST_PKGS))
TEST_LIBS   = $(call once,TEST_LIBS,--libs $(TEST_PKGS))

CFLAGS ?= -O2 -g
ALL_CFLAGS = $(WARNFLAGS) $(SANFLAGS) -D_GNU_SOURCE -DG_LOG_USE_STRUCTURED \
             -DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74 \
             -DGETTEXT_PACKAGE='"prospectd"' -DLOCALEDIR='"$(LOCALEDIR)"' \
             -DPD_VERSION='"$(VERSION)"' \
             -Iinclude $(PKG_CFLAGS) $(CPPFLAGS) $(CFLAGS) -MMD -MP
ALL_LDFLAGS = $(SANFLAGS) $(LDFLAGS)

# Modules: every src/*.c but the daemon's main; the CLI is src/ctl/*.c.
# The core (CORE_MODULES: the campaign model and what computes on it, pure,
# GLib only) is libprospectd-core.a; every other module, the edges (files,
# database, calendars, notifications, server), libprospectd.a above it.
# Programs link the archives, so each takes only the objects it uses.
CORE_MODULES := campaign plan workcal schedule progress agenda format alerts prospect calllist rates calibrate segment
CORE_HEADERS := $(CORE_MODULES) activity
MODULE_SRCS := $(filter-out src/prospectd.c,$(wildcard src/*.c))
CORE_SRCS   := $(CORE_MODULES:%=src/%.c)
EDGE_SRCS   := $(filter-out $(CORE_SRCS),$(MODULE_SRCS))
CTL_SRCS    := $(wildcard src/ctl/*.c)
TEST_SRCS   := $(wildcard tests/test-*.c)
MODULE_OBJS := $(MODULE_SRCS:%.c=$(BUILD)/%.o)
CORE_OBJS   := $(CORE_SRCS:%.c=$(BUILD)/%.o)
EDGE_OBJS   := $(EDGE_SRCS:%.c=$(BUILD)/%.o)
CORE_LIB    := $(BUILD)/libprospectd-core.a
EDGE_LIB    := $(BUILD)/libprospectd.a
LIBS_A      := $(EDGE_LIB) $(CORE_LIB)
CTL_OBJS    := $(CTL_SRCS:%.c=$(BUILD)/%.o)
TEST_BINS   := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)
LINGUAS     := $(basename $(notdir $(wildcard po/*.po)))
MO_FILES    := $(LINGUAS:%=$(BUILD)/locale/%/LC_MESSAGES/prospectd.mo)
BINS        := $(BUILD)/prospectctl $(if $(wildcard src/prospectd.c),$(BUILD)/prospectd)

.PHONY: all deps run check _check _run install uninstall clean pkgcheck update-po pot
all: $(BINS) $(MO_FILES)

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
	    file:*) test -x $$name ;; \
	    path:*) test -e $$name ;; \
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
	@$(PKG_CONFIG) --exists --print-errors $(PKGS) $(PQ_PKGS) || \
	  { echo "error: missing libraries; run 'make deps'" >&2; exit 1; }

# ---------------------------------------------------------------- build
$(BUILD)/%.o: %.c | pkgcheck
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(CORE_LIB): $(CORE_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(EDGE_LIB): $(EDGE_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

# The core kept honest: every object of the core archive linked, whole,
# into a program with GLib's libraries alone (a symbol of SQLite, libical,
# libsoup, libnotify or of an edge module is an undefined reference, and
# the build stops), and no core source includes a header beyond the core
# (its .d files list what each included).
$(BUILD)/core-check: $(CORE_LIB)
	@printf 'int main (void);\nint main (void) { return 0; }\n' > $@.c
	$(CC) $(ALL_LDFLAGS) -o $@ $@.c -Wl,--whole-archive $(CORE_LIB) -Wl,--no-whole-archive \
	  -Wl,--no-undefined $(CORE_LIBS) -lm
	@bad=$$(for d in $(CORE_OBJS:.o=.d); do \
	  grep -o 'include/prospectd/[a-z_-]*\.h' $$d | sort -u | while read -r h; do \
	    n=$${h##*/}; case " $(CORE_HEADERS:%=%.h) " in *" $$n "*) ;; *) echo "$${d#$(BUILD)/}: $$n";; esac; \
	  done; done); \
	if [ -n "$$bad" ]; then echo "error: core modules include headers outside the core:" >&2; echo "$$bad" >&2; rm -f $@; exit 1; fi

$(BUILD)/prospectd: $(BUILD)/src/prospectd.o $(LIBS_A) | $(BUILD)/core-check
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIBS_A) $(PKG_LIBS) $(CSV_LIBS) -lm

# Only the libraries its commands use: no libnotify, no libsoup.
$(BUILD)/prospectctl: $(CTL_OBJS) $(LIBS_A) | $(BUILD)/core-check
	$(CC) $(ALL_LDFLAGS) -o $@ $(CTL_OBJS) $(LIBS_A) $(CTL_LIBS) $(CSV_LIBS) -lm

# Test objects are kept between runs: an unchanged test is not rebuilt.
.PRECIOUS: $(BUILD)/tests/%.o
$(BUILD)/tests/%.o: tests/%.c | pkgcheck
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -c $< -o $@

$(BUILD)/tests/test-%: $(BUILD)/tests/test-%.o $(LIBS_A)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(PQ_LIBS) $(TEST_LIBS) $(CSV_LIBS) -lm

# ---------------------------------------------------------------- translations
# po/prospectd.pot is extracted from the sources by `make update-po`, which
# also merges it into every po/LANG.po (file names without line numbers,
# sorted: a new string changes only its own lines). `make` compiles each
# po/LANG.po into $(BUILD)/locale/LANG/LC_MESSAGES/prospectd.mo, where an
# uninstalled build finds it through $$PROSPECTD_LOCALEDIR (`make run` and
# the tests set it); `make install` puts it under LOCALEDIR.
# $(BUILD)/locales holds fr_FR.UTF-8 compiled by localedef for the tests
# (LOCPATH=$(BUILD)/locales): no root, nothing generated system-wide.
POT_SRCS   = $(sort $(wildcard src/*.c src/*.h src/ctl/*.c src/ctl/*.h include/prospectd/*.h))
TEST_LOCALES := $(BUILD)/locales/fr_FR.UTF-8/LC_CTYPE
XGETTEXT_FLAGS := --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ --keyword=C_:1c,2 \
                  --keyword=NC_:1c,2 --keyword=g_dngettext:2,3 --add-comments=TRANSLATORS: \
                  --add-location=file --sort-output --package-name=prospectd \
                  --package-version=$(VERSION)

$(BUILD)/locale/%/LC_MESSAGES/prospectd.mo: po/%.po
	@mkdir -p $(@D)
	msgfmt -c -o $@ $<

$(TEST_LOCALES):
	@mkdir -p $(BUILD)/locales
	localedef -i fr_FR -f UTF-8 $(BUILD)/locales/fr_FR.UTF-8 || test -e $@

# `make pot POT=FILE` extracts the current sources' messages into FILE
# (tests/cli/po.sh compares it with po/fr.po).
POT ?= po/prospectd.pot
pot:
	xgettext $(XGETTEXT_FLAGS) -o $(POT) $(POT_SRCS)
	@# No creation date: the file changes only when a string does.
	sed -i '/^"POT-Creation-Date: /d' $(POT)

update-po: pot
	for po in $(wildcard po/*.po); do \
	  msgmerge --quiet --update --backup=none --sort-output --add-location=file $$po po/prospectd.pot || exit 1; \
	  msgcat --sort-output -o $$po $$po || exit 1; \
	done

# ---------------------------------------------------------------- run
RUN_DIR := $(BUILD)/run
run: deps
	@$(MAKE) --no-print-directory _run
_run: export PROSPECTD_LOCALEDIR = $(CURDIR)/$(BUILD)/locale
_run: $(BINS) $(MO_FILES)
	@mkdir -p $(RUN_DIR)
	@printf '[daemon]\ncampaigns = %s\ndatabase = %s\nfeeds = %s\n' \
	  "$(CURDIR)/config/campaigns" "$(CURDIR)/$(RUN_DIR)/prospectd.db" "$(CURDIR)/$(RUN_DIR)/feeds" \
	  > $(RUN_DIR)/prospectd.conf
	./$(BUILD)/prospectctl --config $(RUN_DIR)/prospectd.conf plan example
	./$(BUILD)/prospectctl --config $(RUN_DIR)/prospectd.conf schedule example --to 2027-01-08
	@# The daemon in the foreground, logging each decision; Ctrl-C stops it
	@# cleanly. NOW=2027-01-04T08:49 runs it as if the clock read that.
	@echo "prospectd running in the foreground (Ctrl-C to stop)"
	./$(BUILD)/prospectd --config $(RUN_DIR)/prospectd.conf $(if $(NOW),--now $(NOW))

# ---------------------------------------------------------------- check
check: deps
	@$(MAKE) --no-print-directory _check
_check: $(BINS) $(TEST_BINS) $(MO_FILES) $(TEST_LOCALES)
	@BUILD=$(BUILD) SANITIZE=$(SANITIZE) PROSPECTD_LOCALEDIR=$(CURDIR)/$(BUILD)/locale \
	  PD_TEST_LOCPATH=$(CURDIR)/$(BUILD)/locales LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	  tests/run-all $(TEST_BINS)

# ---------------------------------------------------------------- install
UNITS := $(wildcard systemd/*.service)
install: $(BINS) $(MO_FILES)
	for b in $(BINS); do install -D -m 0755 $$b $(DESTDIR)$(BINDIR)/$${b##*/}; done
	for m in man/*.[0-9] man/*/*.[0-9]; do [ -f "$$m" ] || continue; \
	  l=$${m#man/}; l=$${l%/*}; case $$l in *.[0-9]) l="";; *) l="$$l/";; esac; \
	  install -D -m 0644 $$m $(DESTDIR)$(MANDIR)/$${l}man$${m##*.}/$${m##*/}; done
	for l in $(LINGUAS); do \
	  install -D -m 0644 $(BUILD)/locale/$$l/LC_MESSAGES/prospectd.mo \
	    $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/prospectd.mo; done
	for u in $(UNITS); do \
	  install -D -m 0644 $$u $(DESTDIR)$(USERUNITDIR)/$${u##*/}; \
	  sed -i 's|@BINDIR@|$(BINDIR)|g' $(DESTDIR)$(USERUNITDIR)/$${u##*/}; done
	@# Examples only: prospectd reads ~/.config/prospectd/prospectd.conf
	@# (or --config), never a system-wide file, so none goes to SYSCONFDIR.
	install -D -m 0644 config/prospectd.conf $(DESTDIR)$(DOCDIR)/examples/prospectd.conf
	install -D -m 0644 config/campaigns/example.conf $(DESTDIR)$(DOCDIR)/examples/example.conf

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/prospectd $(DESTDIR)$(BINDIR)/prospectctl \
	  $(DESTDIR)$(USERUNITDIR)/prospectd.service $(DESTDIR)$(DOCDIR)/examples/example.conf \
	  $(DESTDIR)$(DOCDIR)/examples/prospectd.conf
	for m in man/*.[0-9] man/*/*.[0-9]; do [ -f "$$m" ] || continue; \
	  l=$${m#man/}; l=$${l%/*}; case $$l in *.[0-9]) l="";; *) l="$$l/";; esac; \
	  rm -f $(DESTDIR)$(MANDIR)/$${l}man$${m##*.}/$${m##*/}; done
	for l in $(LINGUAS); do rm -f $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/prospectd.mo; done

clean:
	rm -rf build build-san build-fuzz

-include $(shell find build build-san -name '*.d' 2>/dev/null)

# ---------------------------------------------------------------- fuzz
# libFuzzer targets (fuzz/): the campaign parser, the value parsers,
# the feed server's request path (fuzz-http: one connection per input) and
# the prospect files' CSV reader (fuzz-csv),
# built with clang under ASan + UBSan in $(FUZZ_BUILD). `make fuzz` runs
# each for FUZZ_SECONDS on one core; crashes land in $(FUZZ_BUILD)/artifacts.
# Debian's clang needs libclang-rt-14-dev (a recommend) for -fsanitize=fuzzer.
FUZZ_CC       ?= clang
FUZZ_SECONDS  ?= 60
FUZZ_BUILD    := build-fuzz
FUZZ_SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_TARGETS  := campaign values http csv
FUZZ_BINS     := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz-%)
FUZZ_OBJS     := $(FUZZ_BUILD)/src/config.o $(FUZZ_BUILD)/src/config-campaign.o $(FUZZ_BUILD)/src/parse.o \
                 $(FUZZ_BUILD)/src/campaign.o $(FUZZ_BUILD)/src/format.o $(FUZZ_BUILD)/src/language.o \
                 $(FUZZ_BUILD)/src/server.o $(FUZZ_BUILD)/src/listen.o $(FUZZ_BUILD)/src/token.o \
                 $(FUZZ_BUILD)/src/csv-import.o $(FUZZ_BUILD)/src/prospect.o

.PHONY: fuzz fuzz-build fuzz-toolchain
fuzz-toolchain:
	@printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void) d; (void) n; return 0; }\n' \
	  | $(FUZZ_CC) -x c -fsanitize=fuzzer -o /dev/null - 2>/dev/null || \
	  { echo "error: $(FUZZ_CC) cannot build libFuzzer targets; install clang and libclang-rt-14-dev" >&2; exit 1; }

$(FUZZ_BUILD)/%.o: %.c | pkgcheck fuzz-toolchain
	@mkdir -p $(@D)
	$(FUZZ_CC) $(ALL_CFLAGS) $(FUZZ_SANFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_BUILD)/fuzz-%: $(FUZZ_BUILD)/fuzz/fuzz-%.o $(FUZZ_OBJS)
	$(FUZZ_CC) $(FUZZ_SANFLAGS) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS) $(CSV_LIBS) -lm

.PRECIOUS: $(FUZZ_BUILD)/%.o
fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	@rm -rf $(FUZZ_BUILD)/seeds && sh fuzz/seeds.sh $(FUZZ_BUILD)/seeds
	@mkdir -p $(FUZZ_BUILD)/artifacts
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$t; \
	  echo "fuzz-$$t: $(FUZZ_SECONDS) s"; \
	  dict=""; [ -f fuzz/$$t.dict ] && dict="-dict=fuzz/$$t.dict"; \
	  ./$(FUZZ_BUILD)/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -max_len=8192 \
	    -print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/artifacts/$$t- $$dict \
	    $(FUZZ_BUILD)/corpus/$$t $(FUZZ_BUILD)/seeds/$$t || exit 1; \
	done

# ---------------------------------------------------------------- valgrind
# Every cmocka binary under memcheck: 0 errors, 0 bytes definitely lost.
# Forked children (test-store) are checked too: they exit through _exit()
# after freeing what they allocated. Logs: $(BUILD)/valgrind/<test>.log.
# The binaries run beside one throwaway PostgreSQL cluster, as under
# tests/run-all (tests/pg-cluster.sh), stopped at the end.
VALGRIND ?= valgrind
VALGRIND_FLAGS := --quiet --leak-check=full --errors-for-leak-kinds=definite \
                  --error-exitcode=1 --num-callers=30 --suppressions=tests/valgrind.supp

.PHONY: check-valgrind _check-valgrind
check-valgrind: deps
	@$(MAKE) --no-print-directory _check-valgrind
_check-valgrind: export PD_TEST_LOCPATH = $(CURDIR)/$(BUILD)/locales
_check-valgrind: export PROSPECTD_LOCALEDIR = $(CURDIR)/$(BUILD)/locale
_check-valgrind: $(TEST_BINS) $(MO_FILES) $(TEST_LOCALES)
	@if [ "$(SANITIZE)" = 1 ]; then echo "error: valgrind cannot run ASan binaries; drop SANITIZE=1" >&2; exit 2; fi
	@mkdir -p $(BUILD)/valgrind; failed=""; \
	pg_env=$$(tests/pg-cluster.sh start $$$$) || exit 1; eval "$$pg_env"; \
	trap 'tests/pg-cluster.sh stop "$$PD_TEST_PG_DIR"' EXIT; trap 'exit 130' HUP INT TERM; \
	for t in $(TEST_BINS); do \
	  name=$${t##*/}; log=$(BUILD)/valgrind/$$name.log; \
	  if G_SLICE=always-malloc G_DEBUG=gc-friendly $(VALGRIND) $(VALGRIND_FLAGS) $$t >$$log 2>&1; then \
	    echo "valgrind: $$name: ok"; \
	  else \
	    echo "valgrind: $$name: FAILED (see $$log)"; grep '^==' $$log | head -n 60; failed="$$failed $$name"; \
	  fi; \
	done; \
	if [ -n "$$failed" ]; then echo "valgrind failed:$$failed"; exit 1; fi; \
	echo "valgrind: $(words $(TEST_BINS)) test binaries, 0 errors, 0 bytes definitely lost"

# ---------------------------------------------------------------- bench
# `make bench`: one table of figures at the scale of 1 000 reps, each beside
# its floor and target (BENCHMARKS.md). Never run by `make check`; writes only
# under a mkdtemp() directory. BENCH_RUNS, BENCH_ONLY: see bench/bench.c.
BENCH_BINS := $(BUILD)/bench/bench $(BUILD)/bench/empty-main
.PHONY: bench
.PRECIOUS: $(BUILD)/bench/%.o
$(BUILD)/bench/bench: $(BUILD)/bench/bench.o $(LIBS_A)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CSV_LIBS) -lm
# The floor of a process: linked to the same libraries, even unused.
$(BUILD)/bench/empty-main: $(BUILD)/bench/empty-main.o
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -Wl,--no-as-needed $(PKG_LIBS) -lm
bench: $(BINS) $(BENCH_BINS)
	./$(BUILD)/bench/bench ./$(BUILD)/prospectctl ./$(BUILD)/bench/empty-main $(wildcard $(BUILD)/prospectd)
