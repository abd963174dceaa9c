/* SPDX-License-Identifier: MIT
 *
 * test-ics-render: the iCalendar feed written (ics-render): its text, wording,
 * UIDs, SEQUENCE and DTSTAMP across regenerations, the renderer and its
 * caches, its errors.
 */
#define G_LOG_DOMAIN "prospectd-test"

#include "ics-fixture.h"

static void
test_example_feed (void **state)
{
  Fixture fixture = fixture_example ();
  g_autofree char *text = render (&fixture, 0, NULL, T0);
  g_autoptr (GArray) events = NULL;
  const PdBlock *first = find_block (&fixture, 0, 2027, 1, 4, 1);

  (void) state;
  assert_non_null (first);
  assert_int_equal (first->start_minute, 9 * 60);

  /* The calendar's own properties. */
  assert_true (g_str_has_prefix (text, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//prospectd//prospectd "));
  assert_non_null (strstr (text, "\r\nCALSCALE:GREGORIAN\r\n"));
  assert_non_null (strstr (text, "\r\nX-WR-CALNAME:New customers Q1 2027 — alice\r\n"));
  assert_non_null (strstr (text, "\r\nX-WR-TIMEZONE:Europe/Paris\r\n"));
  assert_non_null (strstr (text, "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n"));
  assert_non_null (strstr (text, "\r\nX-PUBLISHED-TTL:PT1H\r\n"));

  /* docs/pitfalls.md 1: the plain IANA name, a small VTIMEZONE. */
  assert_non_null (strstr (text, "\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\n"));
  assert_int_equal (count_occurrences (text, "BEGIN:VTIMEZONE"), 1);
  assert_in_range (vtimezone_lines (text), 10, 40);
  assert_non_null (strstr (text, "\r\nDTSTART;TZID=Europe/Paris:20270104T090000\r\n"));
  assert_non_null (strstr (text, "\r\nUID:20270104-1-alice@example.prospectd\r\n"));
  assert_non_null (strstr (text, "\r\nCATEGORIES:Prospecting\r\n"));
  assert_non_null (strstr (text, "\r\nTRANSP:OPAQUE\r\n"));
  assert_non_null (strstr (text, "\r\nSEQUENCE:0\r\n"));
  assert_non_null (strstr (text, "\r\nDTSTAMP:20270101T000000Z\r\n"));
  assert_non_null (strstr (text, "\r\nACTION:DISPLAY\r\n"));
  assert_non_null (strstr (text, "\r\nTRIGGER:-PT10M\r\n"));
  assert_clean_text (text);

  events = assert_round_trip (&fixture, 0, text);
  {
    const PdIcsEvent *event = &g_array_index (events, PdIcsEvent, 0);
    g_autofree char *summary = g_strdup_printf ("Call block — %" G_GINT64_FORMAT " contacts", first->contacts);
    g_autofree char *block_line = g_strdup_printf ("This block: %" G_GINT64_FORMAT " contacts\n", first->contacts);
    g_autofree char *checkpoint = g_strdup_printf ("Next checkpoint: 2027-01-29, %" G_GINT64_FORMAT " contacts cumulative",
                                                   pd_schedule_checkpoint_target (fixture.campaign, 0,
                                                                                  g_array_index (fixture.schedule->rep_contacts, gint64, 0)));

    assert_string_equal (event->summary, summary);
    assert_true (g_str_has_prefix (event->description, block_line));
    assert_non_null (strstr (event->description, "Today: "));
    assert_non_null (strstr (event->description, "Cumulative target by the end of the day: "));
    assert_non_null (strstr (event->description, checkpoint));
    assert_int_equal (event->sequence, 0);
    assert_int_equal (event->dtstamp, T0);
  }
  assert_libical_reads (text, "Europe/Paris", rep_block_count (&fixture, 0));
  assert_python_reads (&fixture, 0, text);

  /* The second rep has a feed of their own. */
  {
    g_autofree char *bob = render (&fixture, 1, NULL, T0);

    assert_non_null (strstr (bob, "X-WR-CALNAME:New customers Q1 2027 — bob\r\n"));
    assert_null (strstr (bob, "-alice@"));
    g_array_unref (assert_round_trip (&fixture, 1, bob));
    assert_python_reads (&fixture, 1, bob);
  }
  fixture_clear (&fixture);
}
/* Several blocks a day: the block index keeps UIDs unique. */
static void
test_many_blocks_a_day (void **state)
{
  Fixture fixture = fixture_make ("Short blocks", "2027-01-04", "2027-01-29", "Europe/Paris", "40000", "20m");
  g_autofree char *text = render (&fixture, 0, NULL, T0);

  (void) state;
  assert_non_null (find_block (&fixture, 0, 2027, 1, 4, 3));
  assert_non_null (strstr (text, "\r\nUID:20270104-3-alice@example.prospectd\r\n"));
  g_array_unref (assert_round_trip (&fixture, 0, text));
  assert_libical_reads (text, "Europe/Paris", rep_block_count (&fixture, 0));
  assert_python_reads (&fixture, 0, text);
  fixture_clear (&fixture);
}
/* docs/pitfalls.md 6: commas and semicolons of the campaign's name are escaped in
 * X-WR-CALNAME (libical 3.0.16 leaves them raw in X- properties), and
 * the name reads back exactly. */
static void
test_calname_escaping (void **state)
{
  Fixture fixture = fixture_make ("North, East; and \\ more", "2027-01-04", "2027-01-29",
                                  "Europe/Paris", "40000", "90m");
  g_autofree char *text = render (&fixture, 0, NULL, T0);

  (void) state;
  assert_non_null (strstr (text, "\r\nX-WR-CALNAME:North\\, East\\; and \\\\ more — alice\r\n"));
  assert_python_reads (&fixture, 0, text);
  fixture_clear (&fixture);
}
static void
test_uid_format (void **state)
{
  Fixture fixture = fixture_example ();
  const PdBlock *block = find_block (&fixture, 1, 2027, 1, 4, 1);
  PdRep *bob = g_ptr_array_index (fixture.campaign->reps, 1);
  g_autofree char *uid = NULL;

  (void) state;
  assert_non_null (block);
  uid = pd_ics_block_uid (fixture.campaign, block);
  assert_string_equal (uid, "20270104-1-bob@example.prospectd");

  g_free (bob->name);
  bob->name = g_strdup ("Bob Müller/2@x");
  g_clear_pointer (&uid, g_free);
  uid = pd_ics_block_uid (fixture.campaign, block);
  assert_string_equal (uid, "20270104-1-Bob%20M%C3%BCller%2F2%40x@example.prospectd");
  fixture_clear (&fixture);
}
/* Same input, same bytes; the previous feed keeps SEQUENCE and DTSTAMP. */
static void
test_regeneration_is_stable (void **state)
{
  Fixture fixture = fixture_example ();
  g_autofree char *first = render (&fixture, 0, NULL, T0);
  g_autofree char *again = render (&fixture, 0, NULL, T0);
  g_autofree char *later = render (&fixture, 0, first, T0 + 86400);
  g_autofree char *later_still = render (&fixture, 0, later, T0 + 2 * 86400);

  (void) state;
  assert_string_equal (first, again);
  assert_string_equal (first, later);
  assert_string_equal (first, later_still);
  fixture_clear (&fixture);
}
/* One block moves: only its event changes SEQUENCE (+1) and DTSTAMP. */
static void
test_changed_block_bumps_sequence (void **state)
{
  Fixture fixture = fixture_example ();
  g_autofree char *before = render (&fixture, 0, NULL, T0);
  g_autofree char *after = NULL;
  g_autofree char *after_again = NULL;
  g_autofree char *third = NULL;
  g_autofree char *changed_uid = NULL;
  g_autoptr (GArray) old_events = NULL;
  g_autoptr (GArray) new_events = NULL;
  g_autoptr (GArray) third_events = NULL;
  PdBlock *block = (PdBlock *) find_block (&fixture, 0, 2027, 2, 10, 1);
  gint64 revision = T0 + 3600;
  guint bumped = 0;

  (void) state;
  assert_non_null (block);
  changed_uid = pd_ics_block_uid (fixture.campaign, block);
  block->start_minute += 30;
  block->end_minute += 30;
  after = render (&fixture, 0, before, revision);
  assert_string_not_equal (before, after);

  old_events = pd_ics_parse_events (before, NULL);
  new_events = pd_ics_parse_events (after, NULL);
  assert_non_null (old_events);
  assert_non_null (new_events);
  assert_int_equal (old_events->len, new_events->len);
  for (guint i = 0; i < new_events->len; i++)
    {
      const PdIcsEvent *old_event = &g_array_index (old_events, PdIcsEvent, i);
      const PdIcsEvent *new_event = &g_array_index (new_events, PdIcsEvent, i);

      assert_string_equal (old_event->uid, new_event->uid);
      if (strcmp (new_event->uid, changed_uid) == 0)
        {
          bumped++;
          assert_int_equal (new_event->sequence, old_event->sequence + 1);
          assert_int_equal (new_event->dtstamp, revision);
          assert_int_equal (new_event->start_minute, 9 * 60 + 30);
        }
      else
        {
          assert_int_equal (new_event->sequence, old_event->sequence);
          assert_int_equal (new_event->dtstamp, old_event->dtstamp);
        }
    }
  assert_int_equal (bumped, 1);

  /* Stable again from there; a second change bumps once more. */
  after_again = render (&fixture, 0, after, revision + 3600);
  assert_string_equal (after, after_again);
  block->contacts += 1;
  third = render (&fixture, 0, after, revision + 7200);
  third_events = pd_ics_parse_events (third, NULL);
  assert_non_null (third_events);
  for (guint i = 0; i < third_events->len; i++)
    {
      const PdIcsEvent *event = &g_array_index (third_events, PdIcsEvent, i);

      if (strcmp (event->uid, changed_uid) == 0)
        {
          assert_int_equal (event->sequence, 2);
          assert_int_equal (event->dtstamp, revision + 7200);
        }
      else
        {
          assert_int_equal (event->sequence, 0);
          assert_int_equal (event->dtstamp, T0);
        }
    }

  /* A previous feed that is not a feed: everything counts as new. */
  {
    g_autofree char *fresh = render (&fixture, 0, "garbage\r\n", T0);
    g_autofree char *from_scratch = render (&fixture, 0, NULL, T0);

    assert_string_equal (fresh, from_scratch);
  }
  fixture_clear (&fixture);
}
/* ics-check.py must fail on a feed that does not match. */
static void
test_checker_detects_mismatch (void **state)
{
  Fixture fixture = fixture_example ();
  g_autofree char *text = render (&fixture, 0, NULL, T0);
  g_autofree char *messages = NULL;
  PdBlock moved = *find_block (&fixture, 0, 2027, 3, 30, 1);
  int status;

  (void) state;
  moved.start_minute += 60;
  status = run_checker (&fixture, 0, text, &moved, &messages);
  assert_int_equal (status, 1);
  assert_non_null (messages);
  assert_non_null (strstr (messages, "20270330-1-alice@example.prospectd: DTSTART local"));
  g_clear_pointer (&messages, g_free);

  /* A VTIMEZONE whose summer time starts a month late: the zone built
   * from it disagrees with the zone database on 2027-03-30. */
  g_autoptr (GString) late = g_string_new (text);
  assert_int_equal (g_string_replace (late, "BYDAY=-1SU;BYMONTH=3", "BYDAY=-1SU;BYMONTH=4", 0), 1);
  status = run_checker (&fixture, 0, late->str, NULL, &messages);
  assert_int_equal (status, 1);
  assert_non_null (strstr (messages, "20270330-1-alice@example.prospectd: DTSTART instant by the feed's "
                                     "VTIMEZONE 2027-03-30T08:00:00Z, expected 2027-03-30T07:00:00Z"));
  g_clear_pointer (&messages, g_free);

  /* A rule in force ended with UNTIL, as libical's truncation writes it:
   * python3-icalendar 4.0.3 cannot build the zone. */
  g_autoptr (GString) until = g_string_new (text);
  assert_int_equal (g_string_replace (until, "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
                                      "RRULE:FREQ=YEARLY;UNTIL=20270328T010000Z;BYDAY=-1SU;BYMONTH=3", 0), 1);
  status = run_checker (&fixture, 0, until->str, NULL, &messages);
  assert_int_equal (status, 1);
  assert_non_null (strstr (messages, "VTIMEZONE Europe/Paris: to_tz() fails: RRULE UNTIL values must be "
                                     "specified in UTC when DTSTART is timezone-aware"));
  fixture_clear (&fixture);
}
static void
test_errors (void **state)
{
  Fixture fixture = fixture_example ();
  g_autoptr (GError) error = NULL;
  char *text;

  (void) state;
  text = pd_ics_render (fixture.campaign, fixture.schedule, 2, NULL, T0, &error);
  assert_null (text);
  assert_true (g_error_matches (error, PD_ICS_ERROR, PD_ICS_ERROR_INVALID));
  g_clear_error (&error);

  g_free (fixture.campaign->timezone);
  fixture.campaign->timezone = g_strdup ("Mars/Olympus_Mons");
  text = pd_ics_render (fixture.campaign, fixture.schedule, 0, NULL, T0, &error);
  assert_null (text);
  assert_true (g_error_matches (error, PD_ICS_ERROR, PD_ICS_ERROR_ZONE));
  assert_non_null (strstr (error->message, "'Mars/Olympus_Mons'"));
  fixture_clear (&fixture);
}
/* One renderer for every feed of a campaign, again and again, gives what a
 * fresh render of each gives: the lines it keeps from feed to feed are
 * those of the feed at hand, and the events it re-reads from a previous
 * feed (here written with LF line ends) compare as they should. */
static void
test_renderer_reused (void **state)
{
  Fixture fixture = fixture_example ();
  g_autoptr (GError) error = NULL;
  g_autoptr (PdIcsRenderer) renderer = pd_ics_renderer_new (fixture.campaign, fixture.schedule, NULL, &error);
  g_autofree char *alice = NULL;
  g_autofree char *bob = NULL;
  g_autofree char *alice_again = NULL;
  g_autofree char *lf_only = NULL;
  g_autofree char *from_lf = NULL;
  g_autofree char *expected_from_lf = NULL;
  g_autofree char *bob_next_day = NULL;
  g_autofree char *expected_bob_next_day = NULL;

  (void) state;
  assert_non_null (renderer);
  alice = render_with (renderer, 0, NULL, T0);
  bob = render_with (renderer, 1, NULL, T0);
  alice_again = render_with (renderer, 0, NULL, T0);
  {
    g_autofree char *fresh_alice = render (&fixture, 0, NULL, T0);
    g_autofree char *fresh_bob = render (&fixture, 1, NULL, T0);

    assert_string_equal (alice, fresh_alice);
    assert_string_equal (bob, fresh_bob);
    assert_string_equal (alice_again, fresh_alice);
  }

  /* Every event re-read with libical: the fingerprints see this event's
   * times, not the lines kept for others. Nothing changed. */
  lf_only = replace_all (alice, "\r\n", "\n");
  from_lf = render_with (renderer, 0, lf_only, T0 + 86400);
  expected_from_lf = render (&fixture, 0, lf_only, T0 + 86400);
  assert_string_equal (from_lf, alice);
  assert_string_equal (from_lf, expected_from_lf);

  /* Changed events: DTSTAMP and SEQUENCE lines of a new value. */
  {
    const PdBlock *block = find_block (&fixture, 1, 2027, 1, 4, 1);
    PdBlock *moved = (PdBlock *) block;

    assert_non_null (block);
    moved->start_minute += 15;
    moved->end_minute += 15;
  }
  bob_next_day = render_with (renderer, 1, bob, T0 + 86400);
  expected_bob_next_day = render (&fixture, 1, bob, T0 + 86400);
  assert_string_equal (bob_next_day, expected_bob_next_day);
  assert_string_not_equal (bob_next_day, bob);
  assert_int_equal (count_occurrences (bob_next_day, "\r\nSEQUENCE:1\r\n"), 1);
  assert_int_equal (count_occurrences (bob_next_day, "\r\nDTSTAMP:20270102T000000Z\r\n"), 1);
  assert_non_null (strstr (bob_next_day, "\r\nDTSTART;TZID=Europe/Paris:20270104T091500\r\n"));

  /* Its errors are those of pd_ics_render(). */
  {
    g_autoptr (GString) text = g_string_new (NULL);

    assert_false (pd_ics_renderer_render_to (renderer, 2, NULL, T0, append_text, text, &error));
    assert_true (g_error_matches (error, PD_ICS_ERROR, PD_ICS_ERROR_INVALID));
    assert_string_equal (error->message, "No rep number 2 in campaign 'example'");
    assert_int_equal (text->len, 0);
    g_clear_error (&error);
  }
  g_clear_pointer (&renderer, pd_ics_renderer_free);
  g_free (fixture.campaign->timezone);
  fixture.campaign->timezone = g_strdup ("Mars/Olympus_Mons");
  assert_null (pd_ics_renderer_new (fixture.campaign, fixture.schedule, NULL, &error));
  assert_true (g_error_matches (error, PD_ICS_ERROR, PD_ICS_ERROR_ZONE));
  fixture_clear (&fixture);
}
/* More distinct DTSTART values than a renderer keeps (16 384 lines): one
 * renderer for every rep starts its caches over on the way, and still
 * writes each feed as a renderer of its own, which never fills up. */
static void
test_renderer_cache_overflow (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (PdIcsRenderer) renderer = NULL;
  g_autoptr (GHashTable) starts = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree gint64 *keys = NULL;
  Fixture fixture = { 0 };
  guint reps = 10;

  (void) state;
  g_string_printf (text, campaign_template, "Two years", "2027-01-04", "2028-12-29", "Europe/Paris",
                   "4000000", "20m");
  g_string_truncate (text, strlen (text->str) - strlen ("alice = 1\nbob = 0.5\n"));
  for (guint i = 0; i < reps; i++)
    g_string_append_printf (text, "rep%u = 0.%u\n", i, 99 - 3 * i);
  /* Windows a minute apart from rep to rep: every rep's blocks start at
   * times of its own. */
  for (guint i = 0; i < reps; i++)
    g_string_append_printf (text, "[rep rep%u]\ncall_windows = 09:%02u-12:00, 14:%02u-17:00\n", i, i, i);
  fixture.campaign = pd_config_parse_campaign ("/virtual/two-years.conf", text->str, text->len, &error);
  if (fixture.campaign == NULL)
    fail_msg ("campaign: %s", error->message);
  fixture_schedule (&fixture);

  keys = g_new (gint64, fixture.schedule->blocks->len);
  for (guint i = 0; i < fixture.schedule->blocks->len; i++)
    {
      const PdBlock *block = &g_array_index (fixture.schedule->blocks, PdBlock, i);
      GDate date = block->date;

      keys[i] = (gint64) g_date_get_julian (&date) * 4096 + block->start_minute;
      g_hash_table_add (starts, &keys[i]);
    }
  assert_true (g_hash_table_size (starts) > 16384);

  renderer = pd_ics_renderer_new (fixture.campaign, fixture.schedule, NULL, &error);
  assert_non_null (renderer);
  for (guint rep = 0; rep < reps; rep++)
    {
      g_autofree char *shared = render_with (renderer, rep, NULL, T0);
      g_autofree char *own = render (&fixture, rep, NULL, T0);

      assert_string_equal (shared, own);
      if (rep == reps - 1)
        g_array_unref (assert_round_trip (&fixture, rep, shared));
    }
  fixture_clear (&fixture);
}

/* ------------------------------------------------------------ call lists */

static guint
block_number (const Fixture *fixture, const PdBlock *block)
{
  return (guint) (block - &g_array_index (fixture->schedule->blocks, PdBlock, 0));
}

/* A line of a feed's call list (of the last block given), its prospect's
 * text stored with it. */
static void
add_call_line (PdFeedCalls *calls, const char *company, const char *contact, const char *phone,
               PdCallReason reason)
{
  pd_feed_calls_add_line (calls, pd_feed_calls_add_text (calls, company, contact, phone), reason);
}

/* The lists of test_call_lists: the short block's three calls (the
 * second's phone `retry_phone`), then the full block's. */
static PdFeedCalls *
example_calls (const Fixture *fixture, const PdBlock *short_block, const PdBlock *full_block,
               const char *retry_phone)
{
  PdFeedCalls *calls = pd_feed_calls_new (fixture->schedule->blocks->len);

  /* 2027-01-04 #1: three calls for more contacts. */
  pd_feed_calls_add_block (calls, block_number (fixture, short_block), short_block->contacts);
  add_call_line (calls, "Société Générale d'Électricité de l'Île-de-France SARL", "Hélène Dupré-Lefèvre",
                 "+33123456789", PD_CALL_FOLLOW_UP);
  add_call_line (calls, "Ångström Ltd", NULL, retry_phone, PD_CALL_RETRY);
  add_call_line (calls, "Café Zoë", "Zoë", NULL, PD_CALL_NEW);
  /* 2027-01-05 #1: as many calls as contacts. */
  pd_feed_calls_add_block (calls, block_number (fixture, full_block), full_block->contacts);
  for (gint64 i = 0; i < full_block->contacts; i++)
    {
      g_autofree char *company = g_strdup_printf ("Établissements Lefèvre n°%" G_GINT64_FORMAT, i + 1);

      add_call_line (calls, company, "Jean", "+33612345678", PD_CALL_NEW);
    }
  return calls;
}

/* The DESCRIPTION of `uid` as python3-icalendar reads it (no code shared
 * with libical: unfolding and unescaping done on its own). */
static char *
python_description (const char *text, const char *uid)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *directory = g_dir_make_tmp ("test-ics-XXXXXX", &error);
  g_autofree char *feed_path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *script =
    "import sys\n"
    "from icalendar import Calendar\n"
    "calendar = Calendar.from_ical(open(sys.argv[1], 'rb').read())\n"
    "for event in calendar.walk('VEVENT'):\n"
    "    if str(event.get('UID')) == sys.argv[2]:\n"
    "        sys.stdout.write(str(event.get('DESCRIPTION')))\n";
  const char *argv[] = { PYTHON, "-c", script, NULL, uid, NULL };
  int status = -1;

  assert_non_null (directory);
  feed_path = g_build_filename (directory, "feed.ics", NULL);
  assert_true (g_file_set_contents (feed_path, text, -1, NULL));
  argv[3] = feed_path;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error))
    fail_msg ("%s", error->message);
  if (!g_spawn_check_wait_status (status, NULL))
    fail_msg ("python3 failed: %s", err);
  g_unlink (feed_path);
  g_rmdir (directory);
  return g_steal_pointer (&out);
}

/* libical's reading of the same DESCRIPTION. */
static char *
libical_description (const char *text, const char *uid)
{
  icalcomponent *calendar = icalparser_parse_string (text);
  char *description = NULL;

  assert_non_null (calendar);
  for (icalcomponent *event = icalcomponent_get_first_component (calendar, ICAL_VEVENT_COMPONENT);
       event != NULL; event = icalcomponent_get_next_component (calendar, ICAL_VEVENT_COMPONENT))
    if (strcmp (icalcomponent_get_uid (event), uid) == 0)
      description = g_strdup (icalcomponent_get_description (event));
  icalcomponent_free (calendar);
  assert_non_null (description);
  return description;
}

/* Each block's DESCRIPTION ends with its call list: a short block says
 * how many calls have no prospect, a full one "Whom to call:"; one line
 * per call with a tel: URI that survives the 75-octet folding of long
 * lines with multi-byte names, read back identically by libical and
 * python3-icalendar; blocks without a list are as before. SEQUENCE rises
 * only on the events whose list changed. */
static void
test_call_lists (void **state)
{
  Fixture fixture = fixture_example ();
  const PdBlock *short_block = find_block (&fixture, 0, 2027, 1, 4, 1);
  const PdBlock *full_block = find_block (&fixture, 0, 2027, 1, 5, 1);
  const PdBlock *plain_block = find_block (&fixture, 0, 2027, 1, 6, 1);
  g_autoptr (PdFeedCalls) calls = NULL;
  g_autoptr (PdFeedCalls) changed_calls = NULL;
  g_autoptr (PdIcsRenderer) renderer = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *plain = render (&fixture, 0, NULL, T0);
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *short_uid = NULL;
  g_autofree char *full_uid = NULL;
  g_autofree char *plain_uid = NULL;
  g_autoptr (GString) expected_short = g_string_new (NULL);
  g_autoptr (GString) expected_full = g_string_new (NULL);

  (void) state;
  assert_non_null (short_block);
  assert_non_null (full_block);
  assert_non_null (plain_block);
  assert_true (short_block->contacts > 3);
  short_uid = pd_ics_block_uid (fixture.campaign, short_block);
  full_uid = pd_ics_block_uid (fixture.campaign, full_block);
  plain_uid = pd_ics_block_uid (fixture.campaign, plain_block);

  calls = example_calls (&fixture, short_block, full_block, "+442071234567");
  renderer = pd_ics_renderer_new (fixture.campaign, fixture.schedule, NULL, &error);
  assert_non_null (renderer);
  pd_ics_renderer_set_calls (renderer, calls);
  text = render_with (renderer, 0, NULL, T0);

  {
    g_autofree char *base_short = libical_description (plain, short_uid);
    g_autofree char *base_full = libical_description (plain, full_uid);

    g_string_append_printf (expected_short,
                            "%s\n\n%" G_GINT64_FORMAT " calls: 3 listed, %" G_GINT64_FORMAT
                            " without a prospect — import more\n"
                            "Société Générale d'Électricité de l'Île-de-France SARL — Hélène Dupré-Lefèvre"
                            " — tel:+33123456789 — follow-up\n"
                            "Ångström Ltd — tel:+442071234567 — retry\n"
                            "Café Zoë — Zoë — no phone — new prospect",
                            base_short, short_block->contacts, short_block->contacts - 3);
    g_string_append_printf (expected_full, "%s\n\nWhom to call:", base_full);
    for (gint64 i = 0; i < full_block->contacts; i++)
      g_string_append_printf (expected_full,
                              "\nÉtablissements Lefèvre n°%" G_GINT64_FORMAT " — Jean — tel:+33612345678 — new prospect",
                              i + 1);
  }
  {
    g_autofree char *by_libical = libical_description (text, short_uid);
    g_autofree char *by_python = python_description (text, short_uid);
    g_autofree char *full_by_libical = libical_description (text, full_uid);
    g_autofree char *full_by_python = python_description (text, full_uid);
    g_autofree char *plain_by_libical = libical_description (text, plain_uid);
    g_autofree char *plain_before = libical_description (plain, plain_uid);

    assert_string_equal (by_libical, expected_short->str);
    assert_string_equal (by_python, expected_short->str);
    assert_string_equal (full_by_libical, expected_full->str);
    assert_string_equal (full_by_python, expected_full->str);
    assert_string_equal (plain_by_libical, plain_before);
  }
  /* The raw text: folded at 75 octets, never inside a character (ics-check.py). */
  assert_clean_text (text);
  assert_libical_reads (text, "Europe/Paris", rep_block_count (&fixture, 0));
  assert_python_reads (&fixture, 0, text);
  g_array_unref (assert_round_trip (&fixture, 0, text));

  /* Same lists: same bytes, SEQUENCE kept. */
  again = render_with (renderer, 0, text, T0 + 3600);
  assert_string_equal (again, text);

  /* One line changes: that event only gets SEQUENCE 1. */
  changed_calls = example_calls (&fixture, short_block, full_block, "+442079999999");
  pd_ics_renderer_set_calls (renderer, changed_calls);
  changed = render_with (renderer, 0, text, T0 + 7200);
  {
    g_autoptr (GArray) events = pd_ics_parse_events (changed, NULL);
    guint bumped = 0;

    assert_non_null (events);
    for (guint i = 0; i < events->len; i++)
      {
        const PdIcsEvent *event = &g_array_index (events, PdIcsEvent, i);

        if (strcmp (event->uid, short_uid) == 0)
          {
            bumped++;
            assert_int_equal (event->sequence, 1);
            assert_int_equal (event->dtstamp, T0 + 7200);
            assert_non_null (strstr (event->description, "\nÅngström Ltd — tel:+442079999999 — retry\n"));
          }
        else
          {
            assert_int_equal (event->sequence, 0);
            assert_int_equal (event->dtstamp, T0);
          }
      }
    assert_int_equal (bumped, 1);
  }
  fixture_clear (&fixture);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_example_feed),
    cmocka_unit_test (test_call_lists),
    cmocka_unit_test (test_many_blocks_a_day),
    cmocka_unit_test (test_calname_escaping),
    cmocka_unit_test (test_uid_format),
    cmocka_unit_test (test_regeneration_is_stable),
    cmocka_unit_test (test_changed_block_bumps_sequence),
    cmocka_unit_test (test_checker_detects_mismatch),
    cmocka_unit_test (test_errors),
    cmocka_unit_test (test_renderer_reused),
    cmocka_unit_test (test_renderer_cache_overflow),
  };
  int failed;

  failed = cmocka_run_group_tests_name ("ics-render", tests, NULL, NULL);
  pd_ics_zone_shutdown ();
  return failed;
}
