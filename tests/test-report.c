/* SPDX-License-Identifier: MIT
 *
 * test-report: the HTML page of a campaign without a database
 * (pd_report_build() with no store): every name escaped, one chart per
 * rep and the team, nothing that loads from elsewhere, and no curve of
 * contacts done before the campaign starts.
 */
#include "config-fixture.h"

#include "prospectd/report.h"
#include "prospectd/workcal.h"

static const char hostile[] =
  "[campaign]\n"
  "name = Q1 <script>alert(1)</script> & \"Co\"\n"
  "start = 2027-01-04\n"
  "end = 2027-03-31\n"
  "timezone = Europe/Paris\n"
  "[plan]\n"
  "objective = 60000\n"
  "average_deal = 20000\n"
  "proposals_per_deal = 3\n"
  "compensation_factor = 4\n"
  "accessibility_rate = 6%\n"
  "contacts_per_prospect = 4\n"
  "minutes_per_contact = 2\n"
  "[checkpoints]\n"
  "2027-01-29 = 25%\n"
  "[reps]\n"
  "alice = 1\n"
  "zoë = 1\n";

static guint
count (const char *haystack, const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

static char *
build (const char *text, guint year, guint month, guint day)
{
  g_autoptr (PdCampaign) campaign = parse_ok ("hostile.conf", text);
  g_autoptr (GError) error = NULL;
  char *html = NULL;
  GDate as_of;

  pd_workcal_prepare (campaign);
  g_date_clear (&as_of, 1);
  g_date_set_dmy (&as_of, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  assert_true (pd_report_build (NULL, campaign, &as_of, &html, &error));
  assert_null (error);
  return html;
}

static void
test_report_escapes_names (void **state)
{
  g_autofree char *html = build (hostile, 2027, 1, 8);

  (void) state;
  assert_int_equal (count (html, "<script"), 0);
  assert_int_equal (count (html, "<h1>Q1 &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;</h1>"), 1);
  /* The rep's name as text, and in its chart's id as feed file names
   * encode it. */
  assert_int_equal (count (html, "<h3>zoë</h3>"), 1);
  assert_int_equal (count (html, "id=\"burnup-rep-zo%C3%AB\""), 1);
}

static void
test_report_self_contained (void **state)
{
  g_autofree char *html = build (hostile, 2027, 1, 8);

  (void) state;
  assert_true (g_str_has_prefix (html, "<!DOCTYPE html>\n<html lang=\""));
  assert_true (g_str_has_suffix (html, "</html>\n"));
  assert_int_equal (count (html, "http"), 0);
  assert_int_equal (count (html, " src="), 0);
  assert_int_equal (count (html, " href="), 0);
  assert_int_equal (count (html, "url("), 0);
  assert_int_equal (count (html, "@page{size:A4"), 1);
  /* The team and both reps, each with its two checkpoints (2027-01-29 and
   * the end), nothing done yet: the curve of contacts done flat at 0. */
  assert_int_equal (count (html, "<svg class=\"chart\" viewBox=\"0 0 640 260\""), 3);
  assert_int_equal (count (html, "<polyline class=\"planned\""), 3);
  assert_int_equal (count (html, "<polyline class=\"actual\""), 3);
  assert_int_equal (count (html, "<circle class=\"checkpoint upcoming\""), 6);
}

static void
test_report_before_start (void **state)
{
  /* As of the day before the start: no day of the campaign is past, no
   * curve of contacts done, and no as-of line. */
  g_autofree char *html = build (hostile, 2027, 1, 3);

  (void) state;
  assert_int_equal (count (html, "<polyline class=\"actual\""), 0);
  assert_int_equal (count (html, "class=\"asof\""), 0);
  assert_int_equal (count (html, "<polyline class=\"planned\""), 3);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_report_escapes_names),
    cmocka_unit_test (test_report_self_contained),
    cmocka_unit_test (test_report_before_start),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
