# SPDX-License-Identifier: MIT
# The user unit: `systemd-analyze verify` accepts it (with ExecStart on the
# built binary), and its sandboxing keeps an "OK" exposure. Skipped (one
# PASS line saying so) where systemd-analyze is missing.
. tests/cli/lib.sh
if ! command -v systemd-analyze >/dev/null 2>&1; then
  pass "systemd unit checks skipped: no systemd-analyze"
  done_testing
fi
mkdir -p "$T/runtime"
chmod 0700 "$T/runtime"
sed "s|@BINDIR@|$TOP/$BUILD|g" systemd/prospectd.service >"$T/prospectd.service"
check_eq "the unit's ExecStart is substituted" "ExecStart=$TOP/$BUILD/prospectd" \
  "$(grep '^ExecStart=' "$T/prospectd.service")"
out=$(XDG_RUNTIME_DIR="$T/runtime" systemd-analyze --user verify --man=no "$T/prospectd.service" 2>&1)
check_eq "systemd-analyze --user verify accepts the unit" "0 " "$? $out"
score=$(XDG_RUNTIME_DIR="$T/runtime" systemd-analyze --user security --offline=yes "$T/prospectd.service" 2>/dev/null |
        sed -n 's/.*Overall exposure level for prospectd.service: \([0-9.]*\) .*/\1/p')
# 1.7 with AF_UNIX only; the feed server's AF_INET/AF_INET6 make it 2.0,
# still "OK". Options that a user manager ignores are not added to lower it.
check_eq "exposure level at most 2.0, OK (got $score)" yes \
  "$(awk -v s="$score" 'BEGIN { print (s != "" && s + 0 <= 2.0) ? "yes" : "no" }')"
for option in Type=exec Restart=on-failure 'ExecReload=kill -HUP $MAINPID' ProtectHome=read-only \
              'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6' PrivateUsers=yes; do
  check_eq "unit sets $option" 1 "$(grep -cxF "$option" "$T/prospectd.service")"
done
check_eq "unit does not set PrivateNetwork (the feed server listens for others)" 0 \
  "$(grep -c '^PrivateNetwork=' "$T/prospectd.service")"
check_eq "unit allows no packet or netlink sockets" 0 \
  "$(grep '^RestrictAddressFamilies=' "$T/prospectd.service" | grep -c -e AF_PACKET -e AF_NETLINK)"
done_testing
