#!/bin/sh
# SPDX-License-Identifier: MIT
# The build keeps the core honest: libprospectd-core.a links
# against GLib alone and its modules include only core headers, else the
# build stops; prospectctl links neither libnotify nor libsoup; pkg-config
# is asked once per build, not once per object. Scratch builds go under
# $T, never into $BUILD.
. tests/cli/lib.sh

S="${SANITIZE:-}"

# pkg-config asked once per variable: a wrapper logs each question.
cat >"$T/pkg-config" <<WRAP
#!/bin/sh
echo "\$*" >>"$T/asked"
exec pkg-config "\$@"
WRAP
chmod +x "$T/pkg-config"
make --no-print-directory -n BUILD="$T/b" SANITIZE="$S" PKG_CONFIG="$T/pkg-config" \
  "$T/b/prospectctl" "$T/b/prospectd" >"$T/out" 2>&1
check_eq "make -n of both programs: exit 0" "0" "$?"
check_eq "make -n compiles every object" "$(ls src/*.c src/ctl/*.c | wc -l)" \
  "$(grep -c -- ' -c ' "$T/out")"
check_eq "pkg-config asked once for the compiler flags" "1" "$(grep -c -- '--cflags' "$T/asked")"
check_eq "pkg-config asked once for each set of libraries (core, prospectctl, prospectd)" \
  "--libs glib-2.0
--libs glib-2.0 gio-2.0 gio-unix-2.0 gmodule-2.0 json-glib-1.0 libical sqlite3
--libs glib-2.0 gio-2.0 gio-unix-2.0 gmodule-2.0 json-glib-1.0 libical sqlite3 libnotify libsoup-3.0" \
  "$(grep -- '--libs' "$T/asked" | sort)"

# prospectctl: no libnotify, no libsoup; the daemon has both.
check_eq "prospectctl links neither libnotify nor libsoup" "" \
  "$(ldd "$BUILD/prospectctl" | grep -o -E 'lib(notify|soup)[^ ]*' | sort -u)"
check_eq "prospectd links libnotify and libsoup" "libnotify.so.4
libsoup-3.0.so.0" "$(ldd "$BUILD/prospectd" | grep -o -E 'lib(notify|soup)[^ ]*' | sort -u)"

# A core module that needs SQLite stops the build at the core check.
make --no-print-directory BUILD="$T/c" SANITIZE="$S" CORE_MODULES="campaign token store" \
  "$T/c/core-check" >"$T/out" 2>&1
check_eq "a core needing SQLite: the core check fails" "2" "$?"
check_eq "the link names the SQLite symbol" "1" \
  "$(grep -c -m 1 "undefined reference to \`sqlite3_" "$T/out")"
check_eq "no core-check stamp left" "no" "$(test -e "$T/c/core-check" && echo yes || echo no)"

# A core module including a header beyond the core stops it too.
make --no-print-directory BUILD="$T/d" SANITIZE="$S" CORE_MODULES="campaign format" CORE_HEADERS="campaign" \
  "$T/d/core-check" >"$T/out" 2>&1
check_eq "a core including another header: the core check fails" "2" "$?"
check_eq "the check names the module and the header" \
  "error: core modules include headers outside the core:
src/format.d: format.h" "$(grep -A 1 '^error: core' "$T/out")"

done_testing
