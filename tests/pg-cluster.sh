#!/bin/sh
# SPDX-License-Identifier: MIT
# A throwaway PostgreSQL 15 cluster for the tests: initdb into a new
# temporary directory, the server's Unix socket in that directory,
# listen_addresses = '' (no TCP at all), a port of its own, trust
# authentication (nothing but this directory reaches it), no fsync. As
# root (CI), the cluster runs as an unprivileged system user (postgres,
# else nobody) that owns the directory, since PostgreSQL refuses to run
# as root; the tests keep running as root and connect as the superuser
# role named after them. A watchdog stops the cluster and removes the
# directory when the process that started it is gone, whatever way it
# ended; `stop` does it at once.
#
#   tests/pg-cluster.sh start [OWNER_PID]
#       Starts a cluster and prints shell assignments to eval:
#         PD_TEST_PG_DIR  the directory (give it to stop), also PGHOST:
#                         the socket directory
#         PGPORT          the port (the socket's name)
#         PGDATABASE      postgres
#         PD_TEST_PG_BIN  PostgreSQL's programs (psql, pg_ctl, ...)
#         PD_TEST_PG_URI  postgresql:///postgres?host=DIR&port=PORT
#         PD_TEST_PG_SUPERUSER  the role the tests connect as by default
#       OWNER_PID (default: the parent process) is watched. Exit 1 with
#       one line saying why, and the server's log, when it cannot start.
#   tests/pg-cluster.sh stop DIR
#       Stops the cluster started in DIR and removes DIR.
#   tests/pg-cluster.sh run COMMAND [ARG]...
#       Starts a cluster, runs COMMAND with those variables exported,
#       stops the cluster, and exits with COMMAND's status.
#   tests/pg-cluster.sh createdb NAME
#       In the cluster of the exported variables: (re)creates database
#       NAME, empty, and prints its URI.
set -u

me="tests/pg-cluster.sh"
self=$(cd "$(dirname "$0")" && pwd)/pg-cluster.sh

die () { echo "$me: $*" >&2; exit 1; }

bindir () {
  if [ -n "${PG_BINDIR:-}" ]; then
    echo "$PG_BINDIR"; return
  fi
  # Debian installs the server's programs off PATH; pg_config (libpq-dev)
  # knows where.
  d=$(pg_config --bindir 2>/dev/null) || d=""
  if [ -n "$d" ] && [ -x "$d/initdb" ]; then echo "$d"; return; fi
  echo /usr/lib/postgresql/15/bin
}

# as_owner COMMAND...: runs COMMAND as the cluster's user.
as_owner () {
  if [ "$owner" = "$(id -un)" ]; then "$@"; else runuser -u "$owner" -- "$@"; fi
}

start () {
  watch_pid=${1:-$PPID}
  bin=$(bindir)
  for p in initdb pg_ctl postgres psql; do
    [ -x "$bin/$p" ] || die "PostgreSQL's $p is not in $bin: run 'make deps' (postgresql-15), or set PG_BINDIR"
  done
  if [ "$(id -u)" -eq 0 ]; then
    if id postgres >/dev/null 2>&1; then owner=postgres; else owner=nobody; fi
  else
    owner=$(id -un)
  fi
  dir=$(mktemp -d "${TMPDIR:-/tmp}/prospectd-pg.XXXXXX") || die "cannot create a temporary directory"
  [ "$owner" = "$(id -un)" ] || chown "$owner" "$dir" || { rm -rf "$dir"; die "cannot give $dir to $owner"; }
  if ! as_owner test -w "$dir"; then
    rm -rf "$dir"
    die "$owner cannot write in $dir (a parent directory closed to it? set TMPDIR)"
  fi
  # The socket's path: at most 107 bytes.
  [ ${#dir} -le 80 ] || { rm -rf "$dir"; die "$dir: too long a path for a Unix socket (set TMPDIR)"; }
  # Any port will do (no TCP, the socket's directory is private): one
  # per process, so that two clusters never share a shared-memory key.
  port=$((20000 + $$ % 30000))
  user=$(id -un)
  if ! as_owner "$bin/initdb" -D "$dir/data" -U "$user" -A trust -E UTF8 --locale=C \
         --no-sync --no-instructions >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    rm -rf "$dir"
    die "initdb failed (as $owner): the PostgreSQL test cluster cannot start"
  fi
  cat >>"$dir/data/postgresql.conf" <<CONF
# tests/pg-cluster.sh: a throwaway cluster
listen_addresses = ''
unix_socket_directories = '$dir'
port = $port
fsync = off
full_page_writes = off
max_connections = 100
shared_buffers = 32MB
max_prepared_transactions = 0
log_min_messages = warning
log_line_prefix = '%m [%p] %q%u@%d '
CONF
  if ! as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >"$dir/pg_ctl.log" 2>&1; then
    cat "$dir/pg_ctl.log" "$dir/server.log" >&2 2>/dev/null
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1
    rm -rf "$dir"
    die "the PostgreSQL test cluster did not start (as $owner, socket in $dir, port $port)"
  fi
  uri="postgresql:///postgres?host=$dir&port=$port"
  if ! out=$("$bin/psql" -X -A -t -d "$uri" -c 'SELECT 1' 2>&1) || [ "$out" != 1 ]; then
    echo "$out" >&2
    stop "$dir"
    die "the PostgreSQL test cluster started but does not answer $uri"
  fi
  # The watchdog: stops the cluster once the owner is gone. Its output
  # goes nowhere, so that $(...) around `start` returns at once.
  (
    trap '' HUP INT TERM
    while kill -0 "$watch_pid" 2>/dev/null && [ -d "$dir/data" ]; do sleep 1; done
    [ -d "$dir" ] && PD_PG_WATCHDOG=1 sh "$self" stop "$dir"
  ) </dev/null >/dev/null 2>&1 &
  echo $! >"$dir/watchdog.pid"
  cat <<ENV
PD_TEST_PG_DIR='$dir'; export PD_TEST_PG_DIR
PGHOST='$dir'; export PGHOST
PGPORT='$port'; export PGPORT
PGDATABASE=postgres; export PGDATABASE
PD_TEST_PG_BIN='$bin'; export PD_TEST_PG_BIN
PD_TEST_PG_URI='$uri'; export PD_TEST_PG_URI
PD_TEST_PG_SUPERUSER='$user'; export PD_TEST_PG_SUPERUSER
ENV
}

stop () {
  dir=$1
  case $dir in
    */prospectd-pg.*) ;;
    *) die "stop: $dir is not a directory this script made" ;;
  esac
  [ -d "$dir" ] || return 0
  bin=$(bindir)
  owner=$(stat -c %U "$dir")
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1
  fi
  if [ -z "${PD_PG_WATCHDOG:-}" ] && [ -f "$dir/watchdog.pid" ]; then
    kill "$(cat "$dir/watchdog.pid")" 2>/dev/null
  fi
  rm -rf "$dir"
}

createdb () {
  [ -n "${PD_TEST_PG_URI:-}" ] || die "createdb: no cluster (PD_TEST_PG_URI is not set)"
  name=$1
  PGOPTIONS="-c client_min_messages=warning" "$PD_TEST_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$PD_TEST_PG_URI" \
    -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" -c "CREATE DATABASE \"$name\"" >&2 ||
    die "createdb: cannot create database $name"
  echo "postgresql:///$name?host=$PGHOST&port=$PGPORT"
}

case ${1:-} in
  start) shift; start "$@" ;;
  stop) [ $# -eq 2 ] || die "usage: $me stop DIR"; stop "$2" ;;
  createdb) [ $# -eq 2 ] || die "usage: $me createdb NAME"; createdb "$2" ;;
  run)
    shift
    [ $# -ge 1 ] || die "usage: $me run COMMAND [ARG]..."
    env=$(start $$) || exit 1
    eval "$env"
    trap 'stop "$PD_TEST_PG_DIR"' EXIT
    trap 'exit 130' HUP INT TERM
    "$@"
    rc=$?
    exit $rc
    ;;
  *) die "usage: $me start [OWNER_PID] | stop DIR | run COMMAND... | createdb NAME" ;;
esac
