# SPDX-License-Identifier: MIT
# The catalogues: msgfmt -c accepts po/fr.po (formats, plural forms), and
# it translates every message of the sources as they are now, none fuzzy,
# none missing, none left over from an old pot: a string added without its
# translation fails here, named, with what to do.
. tests/cli/lib.sh

out=$(msgfmt -c --statistics -o "$T/fr.mo" po/fr.po 2>&1)
check_eq "msgfmt -c po/fr.po: exit 0" "0" "$?"
check_eq "msgfmt --statistics: translated only (no fuzzy, no untranslated)" "yes" \
  "$(printf '%s\n' "$out" | grep -Eqx '[0-9]+ translated messages\.' && echo yes)"
check_eq "po/fr.po: French plural forms (0 and 1 singular)" \
  '"Plural-Forms: nplurals=2; plural=(n > 1);\n"' "$(grep '^"Plural-Forms:' po/fr.po)"

# The messages of the sources now, against the catalogue.
make --no-print-directory -s pot POT="$T/now.pot" >"$T/pot.out" 2>&1
check_eq "xgettext extracts the sources' messages" "0" "$?"
msgmerge --quiet --no-fuzzy-matching -o "$T/merged.po" po/fr.po "$T/now.pot" 2>"$T/merge.err"
missing=$(msgattrib --untranslated --no-obsolete --no-wrap "$T/merged.po" | sed -n 's/^msgid "\(..*\)"$/  \1/p')
fuzzy=$(msgattrib --only-fuzzy --no-obsolete --no-wrap po/fr.po | sed -n 's/^msgid "\(..*\)"$/  \1/p')
if [ -n "$missing$fuzzy" ]; then
  echo "po/fr.po lacks these messages (run 'make update-po', translate each in po/fr.po, drop any fuzzy flag):"
  printf '%s\n%s\n' "$missing" "$fuzzy"
fi
check_eq "every message of the sources has its French translation" "" "$missing"
check_eq "no fuzzy translation in po/fr.po" "" "$fuzzy"
ids () { msgcat --no-wrap --sort-output "$1" | sed -n 's/^msgid //p' | sort; }
ids "$T/now.pot" >"$T/now.ids"
ids po/prospectd.pot >"$T/committed.ids"
check_eq "po/prospectd.pot is the sources' (else run make update-po)" "" \
  "$(comm -3 "$T/now.ids" "$T/committed.ids")"

# The build tree's catalogue is po/fr.po's, where `make run` finds it.
check_eq "make built \$BUILD/locale/fr/LC_MESSAGES/prospectd.mo from po/fr.po" "yes" \
  "$(cmp -s "$T/fr.mo" "$BUILD/locale/fr/LC_MESSAGES/prospectd.mo" && echo yes)"
done_testing
