/* SPDX-License-Identifier: MIT
 *
 * Tests of campaign: the model's helpers (a rep found by name in any
 * Unicode form, a name's one encoding in file names, URLs and UIDs).
 * Run from the top of the source tree (as `make check` does).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>

#include "prospectd/config.h"
#include "prospectd/format.h"
#include "prospectd/parse.h"

#include "config-fixture.h"

/* Rep names as people write them, and their one encoding in file names,
 * URLs and UIDs: NFC, then every byte outside A-Z a-z 0-9 - . _ ~ as %XX. */
static void
test_rep_names_any_alphabet (void **state)
{
  (void) state;
  g_autoptr (GString) text = g_string_new (minimal);
  /* zoë written decomposed (e, then U+0308 COMBINING DIAERESIS). */
  g_string_replace (text, "alice = 1\n", "hélène = 1\nzoe\xcc\x88 = 0.5\njosé = 2\nΔημήτρης = 1\n", 1);
  g_autoptr (PdCampaign) c = parse_ok ("names.conf", text->str);
  guint index = 99;

  assert_int_equal (c->reps->len, 4);
  assert_string_equal (((const PdRep *) g_ptr_array_index (c->reps, 0))->name, "hélène");
  assert_string_equal (((const PdRep *) g_ptr_array_index (c->reps, 1))->name, "zo\xc3\xab"); /* NFC */
  assert_non_null (pd_campaign_find_rep (c, "zoe\xcc\x88", &index));
  assert_int_equal (index, 1);
  assert_non_null (pd_campaign_find_rep (c, "zo\xc3\xab", NULL));

  static const struct {
    const char *name, *encoded;
  } cases[] = {
    { "alice", "alice" },
    { "a.b-c_d", "a.b-c_d" },
    { "hélène", "h%C3%A9l%C3%A8ne" },
    { "zoe\xcc\x88", "zo%C3%AB" },
    { "zo\xc3\xab", "zo%C3%AB" },
    { "josé", "jos%C3%A9" },
    { "Δημήτρης", "%CE%94%CE%B7%CE%BC%CE%AE%CF%84%CF%81%CE%B7%CF%82" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *encoded = pd_rep_file_name (cases[i].name);
      assert_string_equal (encoded, cases[i].encoded);
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_rep_names_any_alphabet),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
