/* SPDX-License-Identifier: MIT
 *
 * test-report: the HTML page of a campaign without a database
 * (pd_report_build() with no store): every name escaped, one chart per
 * rep and the team, nothing that loads from elsewhere, and no curve of
 * contacts done before the campaign starts; then with a prospect file in
 * an SQLite database: the sources, segments and prescribers tables.
 */
#include "config-fixture.h"

#include "prospectd/prospect.h"
#include "prospectd/report.h"
#include "prospectd/store-prospects.h"
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

static PdProspect *
prospect (const char *company, const char *sector, const char *prescriber, PdProspectState state,
          const char *source, const char *other_source)
{
  PdProspect *p = pd_prospect_new ();

  p->company = g_strdup (company);
  p->sector = g_strdup (sector);
  p->prescriber = g_strdup (prescriber);
  p->spontaneous = prescriber != NULL;
  p->state = state;
  pd_prospect_add_source (p, source, 2);
  if (other_source != NULL)
    pd_prospect_add_source (p, other_source, 7);
  return p;
}

/* The row of table `id` whose first cell is `name`, its cells joined by
 * '|' (newly allocated), or NULL. */
static char *
table_row (const char *html, const char *id, const char *name)
{
  g_autofree char *table_start = g_strdup_printf ("<table id=\"%s-table\">", id);
  g_autofree char *row_start = g_strdup_printf ("<tr><td>%s</td>", name);
  const char *table = strstr (html, table_start), *end, *row;
  g_autofree char *cells = NULL;
  g_auto (GStrv) parts = NULL;

  if (table == NULL)
    return NULL;
  end = strstr (table, "</table>");
  row = strstr (table, row_start);
  if (row == NULL || row > end)
    return NULL;
  cells = g_strndup (row + strlen ("<tr><td>"), (gsize) (strstr (row, "</td></tr>") - row - strlen ("<tr><td>")));
  parts = g_strsplit (cells, "</td><td>", -1);
  return g_strjoinv ("|", parts);
}

static void
test_report_prospect_tables (void **state)
{
  g_autoptr (PdCampaign) campaign = parse_ok ("hostile.conf", hostile);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-report-XXXXXX", &error);
  g_autofree char *db = NULL;
  g_autoptr (GPtrArray) prospects = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_prospect_free);
  g_autofree char *html = NULL, *without = NULL;
  PdStore *store;
  GDate as_of;

  (void) state;
  assert_non_null (dir);
  db = g_build_filename (dir, "store.db", NULL);
  pd_workcal_prepare (campaign);
  g_date_clear (&as_of, 1);
  g_date_set_dmy (&as_of, 8, G_DATE_JANUARY, 2027);
  store = pd_store_open (db, &error);
  assert_non_null (store);
  assert_true (pd_store_ensure_campaign (store, campaign->id, campaign->name, &error));
  /* Before any prospect: no prospect table. */
  assert_true (pd_report_build (store, campaign, &as_of, &without, &error));
  assert_null (strstr (without, "<section id=\"sources\">"));
  assert_null (strstr (without, "<section id=\"segments\">"));

  /* "salon" 4 prospects (2 reached, 1 active, which won), "annuaire" 3
   * (one met in both files: it counts in each), a sector left empty, two
   * prospects sent by a prescriber named with markup. */
  g_ptr_array_add (prospects, prospect ("A", "industrie", NULL, PD_PROSPECT_WON, "salon", "annuaire"));
  g_ptr_array_add (prospects, prospect ("B", "industrie", NULL, PD_PROSPECT_ARID, "salon", NULL));
  g_ptr_array_add (prospects, prospect ("C", "services", NULL, PD_PROSPECT_ATTEMPTED, "salon", NULL));
  g_ptr_array_add (prospects, prospect ("D", NULL, NULL, PD_PROSPECT_NEW, "salon", NULL));
  g_ptr_array_add (prospects, prospect ("E", "services", "<b>Cabinet</b> & fils", PD_PROSPECT_LATENT,
                                        "annuaire", NULL));
  g_ptr_array_add (prospects, prospect ("F", "services", "<b>Cabinet</b> & fils", PD_PROSPECT_PROPOSAL,
                                        "annuaire", NULL));
  assert_true (pd_store_import_prospects (store, campaign->id, prospects, NULL, NULL, &error));
  assert_true (pd_report_build (store, campaign, &as_of, &html, &error));
  assert_null (error);
  pd_store_close (store);

  {
    g_autofree char *salon = table_row (html, "sources", "salon");
    g_autofree char *annuaire = table_row (html, "sources", "annuaire");
    g_autofree char *industrie = table_row (html, "segments", "industrie");
    g_autofree char *services = table_row (html, "segments", "services");
    g_autofree char *none = table_row (html, "segments", "no sector");
    g_autofree char *cabinet = table_row (html, "prescribers", "&lt;b&gt;Cabinet&lt;/b&gt; &amp; fils");

    /* name | prospects | reached | active | rate | interval | won; the
     * intervals are Wilson's at 90 %, computed apart (tests/report-check.py
     * wilson 1 2: 12.0866 87.9134; 2 3: 25.3534 92.1734). */
    assert_string_equal (salon, "salon|4|2|1|50.0%|12.1% – 87.9%|1");
    assert_string_equal (annuaire, "annuaire|3|3|2|66.7%|25.4% – 92.2%|1");
    assert_string_equal (industrie, "industrie|2|2|1|50.0%|12.1% – 87.9%|1");
    assert_string_equal (services, "services|3|2|1|50.0%|12.1% – 87.9%|0");
    assert_string_equal (none, "no sector|1|0|0|–|–|0");
    assert_string_equal (cabinet, "&lt;b&gt;Cabinet&lt;/b&gt; &amp; fils|2|2|1|50.0%|12.1% – 87.9%|0");
    /* The sources in order of size; the prescriber's name never markup. */
    assert_true (strstr (html, "<td>salon</td>") < strstr (html, "<td>annuaire</td>"));
    assert_null (strstr (html, "<b>Cabinet"));
  }
  g_unlink (db);
  g_rmdir (dir);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_report_escapes_names),
    cmocka_unit_test (test_report_self_contained),
    cmocka_unit_test (test_report_before_start),
    cmocka_unit_test (test_report_prospect_tables),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
