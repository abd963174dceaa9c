#!/bin/sh
# SPDX-License-Identifier: MIT
# `make install PREFIX=...` keeps every file under the prefix (the user
# unit included, its ExecStart naming the installed daemon), installs the
# example configuration files as examples only (nothing under etc/), and
# `make uninstall` with the same prefix removes every file it installed.
# The programs are the ones already built in $BUILD.
. tests/cli/lib.sh

P="$T/prefix"
make --no-print-directory -s install PREFIX="$P" BUILD="$BUILD" SANITIZE="${SANITIZE:-}" >"$T/out" 2>&1
check_eq "make install PREFIX=...: exit 0" "0" "$?"
(cd "$P" && find . -type f | sort) >"$T/installed"
cat >"$T/expected" <<LIST
./bin/prospectctl
./bin/prospectd
./lib/systemd/user/prospectd.service
./share/doc/prospectd/examples/example.conf
./share/doc/prospectd/examples/prospectd.conf
./share/locale/fr/LC_MESSAGES/prospectd.mo
./share/man/fr/man1/prospectctl.1
./share/man/fr/man5/prospectd.conf.5
./share/man/fr/man8/prospectd.8
./share/man/man1/prospectctl.1
./share/man/man5/prospectd.conf.5
./share/man/man8/prospectd.8
LIST
check_file "make install: these files, all under the prefix" "$T/expected" "$T/installed"
check_eq "the installed unit runs the installed daemon" "ExecStart=$P/bin/prospectd" \
  "$(grep '^ExecStart=' "$P/lib/systemd/user/prospectd.service")"
check_eq "the installed prospectctl runs" "prospectctl 0.1.0" "$("$P/bin/prospectctl" --version)"
check_eq "the installed catalogue is the built one" "yes" \
  "$(cmp -s "$BUILD/locale/fr/LC_MESSAGES/prospectd.mo" "$P/share/locale/fr/LC_MESSAGES/prospectd.mo" && echo yes)"

make --no-print-directory -s uninstall PREFIX="$P" BUILD="$BUILD" SANITIZE="${SANITIZE:-}" >"$T/out" 2>&1
check_eq "make uninstall: exit 0" "0" "$?"
check_eq "make uninstall removes every file installed" "" "$(cd "$P" && find . -type f)"

# DESTDIR stages the same tree; the unit still names the final path.
make --no-print-directory -s install PREFIX=/opt/pd DESTDIR="$T/stage" BUILD="$BUILD" SANITIZE="${SANITIZE:-}" >"$T/out" 2>&1
check_eq "make install DESTDIR=...: exit 0" "0" "$?"
check_eq "DESTDIR: everything under DESTDIR/PREFIX" "$(cat "$T/expected")" \
  "$(cd "$T/stage/opt/pd" && find . -type f | sort)"
check_eq "DESTDIR: nothing else staged" "opt" "$(ls "$T/stage")"
check_eq "DESTDIR: the unit names the final path" "ExecStart=/opt/pd/bin/prospectd" \
  "$(grep '^ExecStart=' "$T/stage/opt/pd/lib/systemd/user/prospectd.service")"
done_testing
