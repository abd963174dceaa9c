/* SPDX-License-Identifier: MIT
 *
 * Tests of config-campaign: the example campaign field by field, every
 * default, the inputs kept from fuzzing, and every file of tests/data/bad/
 * refused with its stored message. The value parsers are tested in
 * test-parse.c, prospectd.conf in test-config-daemon.c, the model's
 * helpers in test-campaign.c.
 *
 * Run from the top of the source tree (as `make check` does): fixtures are
 * named by relative path, as a user names them on the command line, because
 * the messages start with that path.
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
#include "locale-fixture.h"

#define EXAMPLE "config/campaigns/example.conf"
#define BAD_DIR "tests/data/bad"
#define FUZZ_DIR "tests/data/fuzz"

/* A temporary home for XDG directories, set before GLib caches them. */
static char *scratch;

/* Parses `text` expecting it refused with exactly `message`. */
static void
assert_refused (const char *text, const char *message)
{
  g_autoptr (GError) error = NULL;
  PdCampaign *campaign = pd_config_parse_campaign ("t.conf", text, strlen (text), &error);

  assert_null (campaign);
  assert_non_null (error);
  assert_true (error->domain == PD_CONFIG_ERROR);
  assert_string_equal (error->message, message);
}

/* ------------------------------------------------------------ the example */

static void
test_example_campaign (void **state)
{
  (void) state;
  g_autoptr (GError) error = NULL;
  g_autoptr (PdCampaign) c = pd_config_load_campaign (EXAMPLE, &error);
  const PdCheckpoint *cp;
  const PdRep *alice, *bob;
  guint index = 99;

  assert_null (error);
  assert_non_null (c);

  /* [campaign] */
  assert_string_equal (c->id, "example");
  assert_string_equal (c->path, EXAMPLE);
  assert_string_equal (c->name, "New customers Q1 2027");
  assert_date (&c->start, 2027, 1, 4);
  assert_date (&c->end, 2027, 3, 31);
  assert_string_equal (c->timezone, "Europe/Paris");
  assert_non_null (c->tz);
  assert_string_equal (g_time_zone_get_identifier (c->tz), "Europe/Paris");
  assert_string_equal (c->currency, "EUR");

  /* [plan], in cents and millionths */
  assert_int_equal (c->plan.objective_cents, 6000000);
  assert_int_equal (c->plan.average_deal_cents, 2000000);
  assert_int_equal (c->plan.proposals_per_deal, 3000000);
  assert_int_equal (c->plan.compensation_factor, 4000000);
  assert_int_equal (c->plan.spontaneous_prospects, 8);
  assert_int_equal (c->plan.accessibility_rate, 60000);
  assert_int_equal (c->plan.contacts_per_prospect, 4000000);
  assert_int_equal (c->plan.minutes_per_contact, 2000000);
  assert_int_equal (c->plan.rounding, PD_ROUNDING_UP);

  /* [calendar] */
  assert_true (c->holidays_fr);
  assert_int_equal (c->holidays->len, 1);
  assert_date (&g_array_index (c->holidays, GDate, 0), 2027, 5, 7);
  assert_int_equal (c->max_block_minutes, 90);
  assert_int_equal (c->reminder_minutes, 10);

  /* [checkpoints], with the end as the implicit 100 % */
  assert_int_equal (c->checkpoints->len, 3);
  cp = &g_array_index (c->checkpoints, PdCheckpoint, 0);
  assert_date (&cp->date, 2027, 1, 29);
  assert_int_equal (cp->share, 250000);
  cp = &g_array_index (c->checkpoints, PdCheckpoint, 1);
  assert_date (&cp->date, 2027, 2, 26);
  assert_int_equal (cp->share, 600000);
  cp = &g_array_index (c->checkpoints, PdCheckpoint, 2);
  assert_date (&cp->date, 2027, 3, 31);
  assert_int_equal (cp->share, 1000000);

  /* [reps] and [rep bob]: each rep's calendar fully resolved */
  assert_int_equal (c->reps->len, 2);
  alice = g_ptr_array_index (c->reps, 0);
  bob = g_ptr_array_index (c->reps, 1);
  assert_string_equal (alice->name, "alice");
  assert_int_equal (alice->weight, PD_MILLI);
  assert_int_equal (alice->workdays, MON_FRI);
  assert_windows (alice->windows, 2, 540u, 720u, 840u, 1020u);
  assert_int_equal (alice->max_daily_minutes, 120);
  assert_int_equal (alice->days_off->len, 0);

  assert_string_equal (bob->name, "bob");
  assert_int_equal (bob->weight, 500000);
  assert_int_equal (bob->workdays, MON_FRI);
  assert_windows (bob->windows, 1, 540u, 720u);
  assert_int_equal (bob->max_daily_minutes, 120);
  assert_int_equal (bob->days_off->len, 1);
  assert_date (&g_array_index (bob->days_off, PdDateRange, 0).first, 2027, 2, 15);
  assert_date (&g_array_index (bob->days_off, PdDateRange, 0).last, 2027, 2, 19);

  assert_ptr_equal (pd_campaign_find_rep (c, "bob", &index), bob);
  assert_int_equal (index, 1);
  assert_ptr_equal (pd_campaign_find_rep (c, "alice", NULL), alice);
  assert_null (pd_campaign_find_rep (c, "carol", &index));
  assert_int_equal (index, 1);

  /* [alerts] */
  assert_int_equal (c->behind_threshold, 100000);
  assert_int_equal (c->daily_check_minute, 17 * 60 + 30);
}

/* ------------------------------------------------------------ defaults */

/* The documented defaults (prospectd.conf(5)):
 *   name = the id (file name without .conf), timezone = the machine's IANA
 *   zone else UTC, currency = EUR, rounding = up, spontaneous_prospects = 0,
 *   workdays = mon-fri, call_windows = 09:00-12:00, 14:00-17:00,
 *   holidays = none, max_daily_calls = no cap beyond the windows (stored as
 *   24h), max_block = 90m, break = 10m, reminder = 10m, checkpoints = only the end at
 *   100 %, per rep: the campaign's calendar and no days off,
 *   behind_threshold = 10%, daily_check = 17:30. */
static void
test_defaults (void **state)
{
  (void) state;
  g_autoptr (PdCampaign) c = NULL;
  const PdRep *alice;

  g_setenv ("TZ", "UTC", TRUE);
  c = parse_ok ("some/dir/q1-2027.conf", minimal);
  assert_string_equal (c->id, "q1-2027");
  assert_string_equal (c->name, "q1-2027");
  assert_string_equal (c->timezone, "UTC");
  assert_non_null (c->tz);
  assert_string_equal (c->currency, "EUR");
  assert_int_equal (c->plan.rounding, PD_ROUNDING_UP);
  assert_int_equal (c->plan.spontaneous_prospects, 0);
  assert_false (c->holidays_fr);
  assert_int_equal (c->holidays->len, 0);
  assert_int_equal (c->max_block_minutes, 90);
  assert_int_equal (c->break_minutes, 10);
  assert_int_equal (c->reminder_minutes, 10);
  assert_int_equal (c->checkpoints->len, 1);
  assert_date (&g_array_index (c->checkpoints, PdCheckpoint, 0).date, 2027, 3, 31);
  assert_int_equal (g_array_index (c->checkpoints, PdCheckpoint, 0).share, PD_MILLI);
  assert_int_equal (c->behind_threshold, 100000);
  assert_int_equal (c->daily_check_minute, 17 * 60 + 30);

  assert_int_equal (c->reps->len, 1);
  alice = g_ptr_array_index (c->reps, 0);
  assert_int_equal (alice->weight, PD_MILLI);
  assert_int_equal (alice->workdays, MON_FRI);
  assert_windows (alice->windows, 2, 540u, 720u, 840u, 1020u);
  assert_int_equal (alice->max_daily_minutes, 24 * 60);
  assert_int_equal (alice->days_off->len, 0);

  /* An id is the base name, with or without .conf. */
  g_clear_pointer (&c, pd_campaign_free);
  c = parse_ok ("plain", minimal);
  assert_string_equal (c->id, "plain");
}

/* timezone defaults to the machine's zone when it has an IANA name, in
 * whatever form TZ gives it, and to UTC otherwise. */
static void
test_default_timezone (void **state)
{
  (void) state;
  static const struct {
    const char *tz;
    const char *expected;
  } cases[] = {
    { "Europe/Berlin", "Europe/Berlin" },
    { ":America/New_York", "America/New_York" },
    { "/usr/share/zoneinfo/Asia/Tokyo", "Asia/Tokyo" },
    { "UTC", "UTC" },
    { "Bogus/Zone", "UTC" },
    { "CET-1CEST,M3.5.0,M10.5.0/3", "UTC" },  /* a POSIX rule has no IANA name */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (PdCampaign) c = NULL;

      g_setenv ("TZ", cases[i].tz, TRUE);
      c = parse_ok ("tz.conf", minimal);
      assert_string_equal (c->timezone, cases[i].expected);
      assert_non_null (c->tz);
    }
  g_setenv ("TZ", "UTC", TRUE);
}

/* The other spellings the file accepts, and what they become. */
static void
test_accepted_variants (void **state)
{
  (void) state;
  g_autoptr (GString) text = g_string_new (minimal);
  g_autoptr (PdCampaign) c = NULL;
  const PdRep *bob;

  g_string_replace (text, "objective = 60000", "objective = 60000.50", 1);
  g_string_replace (text, "proposals_per_deal = 3", "proposals_per_deal = 2,5", 1);
  g_string_replace (text, "accessibility_rate = 6%", "accessibility_rate = 4.5 %", 1);
  g_string_replace (text, "[campaign]\n", "[campaign]\ntimezone = America/New_York\ncurrency = USD\n", 1);
  g_string_append (text,
                   "bob = 0.5\n"
                   "[calendar]\n"
                   "workdays = mon, wed-fri, sun\n"
                   "call_windows = 14:00-17:00, 08:30-12:00\n"
                   "holidays = FR, 2027-04-01..2027-04-03\n"
                   "max_daily_calls = 1h30m\n"
                   "reminder = 0m\n"
                   "[checkpoints]\n"
                   "2027-01-04 = 0.5%\n"
                   "2027-03-31 = 100%\n"
                   "[plan]\n"
                   "rounding = down\n"
                   "spontaneous_prospects = 0\n"
                   /* two spaces: the group keeps its own name */
                   "[rep  bob]\n"
                   "workdays = sat\n"
                   "max_daily_calls = 45m\n"
                   "days_off = 2027-01-05, 2027-01-07..2027-01-08\n"
                   "[alerts]\n"
                   "behind_threshold = 0%\n"
                   "daily_check = 00:00\n");
  c = parse_ok ("v.conf", text->str);

  assert_int_equal (c->plan.objective_cents, 6000050);
  assert_int_equal (c->plan.proposals_per_deal, 2500000);
  assert_int_equal (c->plan.accessibility_rate, 45000);
  assert_int_equal (c->plan.rounding, PD_ROUNDING_DOWN);
  assert_string_equal (c->timezone, "America/New_York");
  assert_string_equal (c->currency, "USD");
  assert_true (c->holidays_fr);
  assert_int_equal (c->holidays->len, 3);
  assert_date (&g_array_index (c->holidays, GDate, 0), 2027, 4, 1);
  assert_date (&g_array_index (c->holidays, GDate, 2), 2027, 4, 3);
  assert_int_equal (c->reminder_minutes, 0);
  /* The end listed explicitly is not added twice. */
  assert_int_equal (c->checkpoints->len, 2);
  assert_int_equal (g_array_index (c->checkpoints, PdCheckpoint, 0).share, 5000);
  assert_int_equal (c->behind_threshold, 0);
  assert_int_equal (c->daily_check_minute, 0);

  const PdRep *alice = g_ptr_array_index (c->reps, 0);
  assert_int_equal (alice->workdays, PD_WEEKDAY_BIT (G_DATE_MONDAY) | PD_WEEKDAY_BIT (G_DATE_WEDNESDAY) |
                                     PD_WEEKDAY_BIT (G_DATE_THURSDAY) | PD_WEEKDAY_BIT (G_DATE_FRIDAY) |
                                     PD_WEEKDAY_BIT (G_DATE_SUNDAY));
  /* Sorted by start. */
  assert_windows (alice->windows, 2, 510u, 720u, 840u, 1020u);
  assert_int_equal (alice->max_daily_minutes, 90);

  bob = pd_campaign_find_rep (c, "bob", NULL);
  assert_non_null (bob);
  assert_int_equal (bob->workdays, PD_WEEKDAY_BIT (G_DATE_SATURDAY));
  assert_int_equal (bob->max_daily_minutes, 45);
  assert_windows (bob->windows, 2, 510u, 720u, 840u, 1020u);
  assert_int_equal (bob->days_off->len, 2);
  assert_date (&g_array_index (bob->days_off, PdDateRange, 0).first, 2027, 1, 5);
  assert_date (&g_array_index (bob->days_off, PdDateRange, 0).last, 2027, 1, 5);
  assert_date (&g_array_index (bob->days_off, PdDateRange, 1).first, 2027, 1, 7);
  assert_date (&g_array_index (bob->days_off, PdDateRange, 1).last, 2027, 1, 8);
}

/* The values as a French team writes them (the keys stay English), and
 * [campaign] language. */
static void
test_french_values_and_language (void **state)
{
  (void) state;
  g_autoptr (GString) text = g_string_new (minimal);
  g_autoptr (PdCampaign) c = NULL;
  g_autoptr (PdCampaign) plain = parse_ok ("m.conf", minimal);

  g_string_replace (text, "objective = 60000", "objective = 60\u202f000", 1);
  g_string_replace (text, "average_deal = 20000", "average_deal = 20 000", 1);
  g_string_replace (text, "proposals_per_deal = 3", "proposals_per_deal = 2,5", 1);
  g_string_replace (text, "accessibility_rate = 6%", "accessibility_rate = 4,5 %", 1);
  g_string_replace (text, "[campaign]\n", "[campaign]\nlanguage = fr\n", 1);
  g_string_append (text, "[calendar]\nworkdays = lun-jeu, sam\n[checkpoints]\n2027-01-29 = 25\u00a0%\n");
  c = parse_ok ("fr.conf", text->str);

  assert_int_equal (c->plan.objective_cents, 6000000);
  assert_int_equal (c->plan.average_deal_cents, 2000000);
  assert_int_equal (c->plan.proposals_per_deal, 2500000);
  assert_int_equal (c->plan.accessibility_rate, 45000);
  assert_int_equal (g_array_index (c->checkpoints, PdCheckpoint, 0).share, 250000);
  assert_int_equal (((const PdRep *) g_ptr_array_index (c->reps, 0))->workdays,
                    PD_WEEKDAY_BIT (G_DATE_MONDAY) | PD_WEEKDAY_BIT (G_DATE_TUESDAY) |
                    PD_WEEKDAY_BIT (G_DATE_WEDNESDAY) | PD_WEEKDAY_BIT (G_DATE_THURSDAY) |
                    PD_WEEKDAY_BIT (G_DATE_SATURDAY));
  assert_string_equal (c->language, "fr");
  /* Default: none, the process's locale. */
  assert_null (plain->language);

  g_string_assign (text, minimal);
  g_string_replace (text, "[campaign]\n", "[campaign]\nlanguage = en\n", 1);
  g_clear_pointer (&c, pd_campaign_free);
  c = parse_ok ("en.conf", text->str);
  assert_string_equal (c->language, "en");

  g_string_assign (text, minimal);
  g_string_replace (text, "[campaign]\n", "[campaign]\nlanguage = français\n", 1);
  assert_refused (text->str, "t.conf: [campaign] language = français: write one of fr, en");
}

/* ------------------------------------------------------------ bad campaigns */

/* Refusals that need no fixture file. */
static void
test_refused_inline (void **state)
{
  (void) state;
  g_autoptr (GString) text = NULL;
  g_autoptr (GError) error = NULL;
  static const char nul_text[] = "[campaign]\nstart = 2027\0-01-04\n";

  /* Text in memory with a NUL inside its length. */
  assert_null (pd_config_parse_campaign ("n.conf", nul_text, sizeof nul_text - 1, &error));
  assert_true (g_error_matches (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_SYNTAX));
  assert_string_equal (error->message, "n.conf: line 2: a NUL byte; a campaign file is text");

  assert_refused ("", "t.conf: [campaign]: missing; a campaign needs at least its start and end dates");

  text = g_string_new (minimal);
  g_string_replace (text, "accessibility_rate = 6%", "accessibility_rate = 6", 1);
  assert_refused (text->str, "t.conf: [plan] accessibility_rate = 6: write a percentage, e.g. 6%");

  g_string_assign (text, minimal);
  g_string_append (text, "[rep bob]\ndays_off = 2027-02-15\n");
  assert_refused (text->str, "t.conf: [rep bob]: no rep called 'bob' in [reps]");

  g_string_assign (text, minimal);
  g_string_append (text, "[checkpoints]\n2027-01-29 = 0%\n");
  assert_refused (text->str, "t.conf: [checkpoints] 2027-01-29 = 0%: must be more than 0%");

  g_string_assign (text, minimal);
  g_string_append (text, "[checkpoints]\nsoon = 10%\n");
  assert_refused (text->str, "t.conf: [checkpoints] soon = 10%: a checkpoint is a date, "
                             "written YYYY-MM-DD = share, e.g. 2027-01-29 = 25%");

  g_string_assign (text, minimal);
  g_string_replace (text, "[campaign]\n", "[campaign]\ntimezone = ../../etc/passwd\n", 1);
  assert_refused (text->str, "t.conf: [campaign] timezone = ../../etc/passwd: "
                             "unknown time zone; write an IANA name, e.g. Europe/Paris");

  g_string_assign (text, minimal);
  g_string_replace (text, "[campaign]\n", "[campaign]\ntimezone = europe/paris\n", 1);
  assert_refused (text->str, "t.conf: [campaign] timezone = europe/paris: "
                             "unknown time zone; write an IANA name, e.g. Europe/Paris");

  /* Too large to compute is refused by the parser, never wrapped later:
   * every factor at its 10 000 maximum still parses. */
  g_string_assign (text, minimal);
  g_string_replace (text, "alice = 1", "alice = 10001", 1);
  assert_refused (text->str, "t.conf: [reps] alice = 10001: is too large (at most 10000)");

  g_string_assign (text, minimal);
  g_string_replace (text, "[campaign]\n", "[campaign]\nname = \n", 1);
  assert_refused (text->str, "t.conf: [campaign] name = : write the campaign's name, e.g. New customers Q1 2027");
}

/* Issue 16's keys: [campaign] country (given, or from the time zone),
 * [plan] max_attempts, [prospects] priority. */
static void
test_prospect_keys (void **state)
{
  (void) state;
  g_autoptr (PdCampaign) c = NULL;
  g_autoptr (GString) text = g_string_new (minimal);
  const PdPriority *clause;

  g_string_replace (text, "[campaign]\n", "[campaign]\ntimezone = UTC\n", 1);
  c = parse_ok ("t.conf", text->str);
  assert_null (c->country);
  assert_false (c->country_given);
  assert_int_equal (c->max_attempts, 13);
  assert_non_null (c->priority);
  assert_int_equal (c->priority->len, 0);
  g_clear_pointer (&c, pd_campaign_free);

  g_string_assign (text, minimal);
  g_string_replace (text, "[campaign]\n", "[campaign]\ntimezone = Europe/Brussels\n", 1);
  c = parse_ok ("t.conf", text->str);
  assert_string_equal (c->country, "BE");
  assert_false (c->country_given);
  g_clear_pointer (&c, pd_campaign_free);

  g_string_assign (text, minimal);
  g_string_replace (text, "[campaign]\n", "[campaign]\ntimezone = Europe/Paris\ncountry = LU\n", 1);
  g_string_replace (text, "[plan]\n", "[plan]\nmax_attempts = 5\n", 1);
  g_string_append (text, "[prospects]\npriority = sector = industrie, services ; Région = Sud\n");
  c = parse_ok ("t.conf", text->str);
  assert_string_equal (c->country, "LU");
  assert_true (c->country_given);
  assert_int_equal (c->max_attempts, 5);
  assert_int_equal (c->priority->len, 2);
  clause = g_ptr_array_index (c->priority, 0);
  assert_string_equal (clause->attribute, "sector");
  assert_int_equal (g_strv_length (clause->values), 2);
  assert_string_equal (clause->values[0], "industrie");
  assert_string_equal (clause->values[1], "services");
  clause = g_ptr_array_index (c->priority, 1);
  assert_string_equal (clause->attribute, "Région");
  assert_int_equal (g_strv_length (clause->values), 1);
  assert_string_equal (clause->values[0], "Sud");

  g_string_assign (text, minimal);
  g_string_replace (text, "[campaign]\n", "[campaign]\ncountry = fr\n", 1);
  assert_refused (text->str, "t.conf: [campaign] country = fr: write an ISO 3166 code prospectd reads phone numbers"
                             " of: FR, BE, CH, LU, MC, DE, AT, NL, GB, IE, ES, PT, IT, US or CA");
  g_string_assign (text, minimal);
  g_string_replace (text, "[plan]\n", "[plan]\nmax_attempts = 0\n", 1);
  assert_refused (text->str, "t.conf: [plan] max_attempts = 0: write a whole number of calls from 1 to 1000, e.g. 13");
  g_string_assign (text, minimal);
  g_string_replace (text, "[plan]\n", "[plan]\nmax_attempts = 2.5\n", 1);
  assert_refused (text->str, "t.conf: [plan] max_attempts = 2.5: write a whole number of calls from 1 to 1000, e.g. 13");
  g_string_assign (text, minimal);
  g_string_append (text, "[prospects]\npriority = industrie, services\n");
  assert_refused (text->str, "t.conf: [prospects] priority = industrie, services: write ATTRIBUTE = VALUE, VALUE...,"
                             " e.g. sector = industrie, services");
  g_string_assign (text, minimal);
  g_string_append (text, "[prospects]\npriority = sector = ,\n");
  assert_refused (text->str, "t.conf: [prospects] priority = sector = ,: write ATTRIBUTE = VALUE, VALUE...,"
                             " e.g. sector = industrie, services");
  g_string_assign (text, minimal);
  g_string_append (text, "[prospects]\norder = sector\n");
  assert_refused (text->str, "t.conf: [prospects] order = sector: unknown key; expected one of priority");
}

/* The last line of a .err file without its prefix and newline: what the
 * CLI printed is "prospectctl: " + the GError's message. */
static char *
expected_message (const char *err_path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (err_path, &contents, &length, NULL))
    fail_msg ("%s: cannot read", err_path);
  if (!g_str_has_prefix (contents, "prospectctl: ") || length == 0 || contents[length - 1] != '\n' ||
      memchr (contents, '\n', length - 1) != NULL)
    fail_msg ("%s: not one line starting with 'prospectctl: '", err_path);
  contents[length - 1] = '\0';
  return g_strdup (contents + strlen ("prospectctl: "));
}

static void
test_bad_campaign_files (void **state)
{
  (void) state;
  g_autoptr (GError) dir_error = NULL;
  g_autoptr (GDir) dir = g_dir_open (BAD_DIR, 0, &dir_error);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    fail_msg ("%s (run the tests from the top of the source tree)", dir_error->message);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".conf"))
      g_ptr_array_add (names, g_strdup (name));
  assert_true (names->len >= 35);

  for (guint i = 0; i < names->len; i++)
    {
      const char *file = g_ptr_array_index (names, i);
      g_autofree char *path = g_build_filename (BAD_DIR, file, NULL);
      g_autofree char *base = g_strndup (file, strlen (file) - strlen (".conf"));
      g_autofree char *err_file = g_strconcat (base, ".err", NULL);
      g_autofree char *err_path = g_build_filename (BAD_DIR, err_file, NULL);
      g_autofree char *expected = expected_message (err_path);
      g_autoptr (GError) error = NULL;
      PdCampaign *campaign = pd_config_load_campaign (path, &error);

      if (campaign != NULL)
        {
          pd_campaign_free (campaign);
          fail_msg ("%s: accepted", path);
        }
      assert_non_null (error);
      assert_true (error->domain == PD_CONFIG_ERROR);
      if (!g_str_equal (error->message, expected))
        fail_msg ("%s:\n  expected: %s\n  actual:   %s", path, expected, error->message);
    }
}

/* Inputs kept from fuzzing (fuzz/, `make fuzz`): each file whole as a
 * campaign, and each of its lines through every value parser, must give a
 * result or a clean error — under ASan/UBSan and valgrind, no crash and no
 * leak. A crash found by the fuzzer goes in this directory with its fix. */
static void
check_value_parsers (const char *text)
{
  gint64 number = -1;
  guint minutes = G_MAXUINT;
  GDate date;
  GArray *windows = NULL;
  PdWeekdays weekdays = 0;
  GError *error = NULL;

#define CHECK_PARSE(call) \
  do { \
    gboolean ok_ = (call); \
    assert_true (ok_ ? error == NULL : error != NULL && error->message != NULL); \
    g_clear_error (&error); \
  } while (0)

  g_date_clear (&date, 1);
  CHECK_PARSE (pd_parse_amount (text, &number, &error));
  CHECK_PARSE (pd_parse_decimal (text, &number, &error));
  CHECK_PARSE (pd_parse_rate (text, &number, &error));
  CHECK_PARSE (pd_parse_duration (text, &minutes, &error));
  CHECK_PARSE (pd_parse_date (text, &date, &error));
  CHECK_PARSE (pd_parse_time_of_day (text, &minutes, &error));
  CHECK_PARSE (pd_parse_windows (text, &windows, &error));
  CHECK_PARSE (pd_parse_weekdays (text, &weekdays, &error));
#undef CHECK_PARSE
  if (windows != NULL)
    g_array_unref (windows);
}

static void
test_fuzz_regressions (void **state)
{
  g_autoptr (GError) dir_error = NULL;
  g_autoptr (GDir) dir = g_dir_open (FUZZ_DIR, 0, &dir_error);
  const char *name;
  guint files = 0;

  (void) state;
  if (dir == NULL)
    fail_msg ("%s (run the tests from the top of the source tree)", dir_error->message);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (FUZZ_DIR, name, NULL);
      g_autofree char *text = NULL;
      g_autoptr (GError) error = NULL;
      g_auto (GStrv) lines = NULL;
      PdCampaign *campaign;
      gsize length = 0;

      if (!g_file_get_contents (path, &text, &length, &error))
        fail_msg ("%s", error->message);
      files++;
      campaign = pd_config_parse_campaign (path, text, length, &error);
      if (campaign != NULL)
        {
          assert_null (error);
          pd_campaign_free (campaign);
        }
      else
        {
          assert_non_null (error);
          assert_true (error->domain == PD_CONFIG_ERROR);
          assert_true (g_str_has_prefix (error->message, path));
        }
      /* As fuzz-values reads them: the first byte picks a parser; here
       * every parser gets every line, that byte included or not. */
      lines = g_strsplit (text, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        {
          check_value_parsers (lines[i]);
          if (lines[i][0] != '\0')
            check_value_parsers (lines[i] + 1);
        }
    }
  assert_true (files > 0);
}

static void
test_load_errors (void **state)
{
  (void) state;
  g_autoptr (GError) error = NULL;
  g_autofree char *missing = g_build_filename (scratch, "missing.conf", NULL);
  g_autofree char *expected = NULL;

  assert_null (pd_config_load_campaign (missing, &error));
  assert_true (g_error_matches (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_IO));
  expected = g_strdup_printf ("%s: cannot read: No such file or directory", missing);
  assert_string_equal (error->message, expected);
  g_clear_error (&error);

  assert_null (pd_config_load_campaign (scratch, &error));
  assert_true (g_error_matches (error, PD_CONFIG_ERROR, PD_CONFIG_ERROR_IO));
  g_free (expected);
  expected = g_strdup_printf ("%s: not a regular file; name a campaign file", scratch);
  assert_string_equal (error->message, expected);
}

/* ------------------------------------------------------------ main */

int
main (void)
{
  locale_fixture_init ();
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_example_campaign),
    cmocka_unit_test (test_defaults),
    cmocka_unit_test (test_default_timezone),
    cmocka_unit_test (test_accepted_variants),
    cmocka_unit_test (test_french_values_and_language),
    cmocka_unit_test (test_refused_inline),
    cmocka_unit_test (test_prospect_keys),
    cmocka_unit_test (test_bad_campaign_files),
    cmocka_unit_test (test_fuzz_regressions),
    cmocka_unit_test (test_load_errors),
  };
  g_autoptr (GError) error = NULL;
  int failed;

  /* Before GLib reads (and caches) any of them. */
  scratch = g_dir_make_tmp ("test-config-XXXXXX", &error);
  g_assert_no_error (error);
  {
    g_autofree char *config_home = g_build_filename (scratch, "config", NULL);
    g_autofree char *data_home = g_build_filename (scratch, "data", NULL);
    g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
    g_setenv ("XDG_DATA_HOME", data_home, TRUE);
    g_setenv ("HOME", scratch, TRUE);
    g_setenv ("TZ", "UTC", TRUE);
  }

  failed = cmocka_run_group_tests (tests, NULL, NULL);
  remove_tree (scratch);
  g_free (scratch);
  return failed;
}
