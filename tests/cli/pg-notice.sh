# SPDX-License-Identifier: MIT
# A server that ends the start-up and says "terminating connection" in
# the same breath (what a server shutting down may do between a client's
# ReadyForQuery and its first query): the error reaches the user once, as
# prospectctl's one line, and libpq prints nothing of its own on stderr.
# The server is a few lines of Python speaking the protocol's start-up on
# a Unix socket, so the timing is exact rather than raced.
. tests/cli/lib.sh
trap 'kill "$server_pid" 2>/dev/null; rm -rf "$T"' EXIT

python3 - "$T/.s.PGSQL.5432" <<'PY' &
import socket, struct, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(4)
while True:
    c, _ = s.accept()
    n = struct.unpack("!i", c.recv(4))[0]
    while n > 4:
        n -= len(c.recv(n - 4))
    fields = b"SFATAL\0VFATAL\0C57P01\0Mterminating connection due to administrator command\0\0"
    c.sendall(b"R" + struct.pack("!ii", 8, 0) + b"Z" + struct.pack("!i", 5) + b"I"
              + b"E" + struct.pack("!i", 4 + len(fields)) + fields)
    c.close()
PY
server_pid=$!
i=0
while [ ! -S "$T/.s.PGSQL.5432" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done

$CTL --db "postgresql://alice@/pd?host=$T" status "$DATA/four-reps.conf" >"$T/out" 2>"$T/err"
check_eq "a server gone right after the start-up: exit 1" "1" "$?"
check_eq "... nothing on stdout" "" "$(cat "$T/out")"
check_eq "... one line on stderr" "1" "$(wc -l <"$T/err")"
check_eq "... prospectctl's, naming the database" "yes" \
  "$(grep -q "^prospectctl: .*'postgresql://alice@/pd?host=$T'" "$T/err" && echo yes)"
done_testing
