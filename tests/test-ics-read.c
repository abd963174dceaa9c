/* SPDX-License-Identifier: MIT
 *
 * test-ics-read: feeds read back (ics-read): the events of a feed, its errors,
 * and the previous feed of a regeneration read as text where it can be.
 */
#define G_LOG_DOMAIN "prospectd-test"

#include "ics-fixture.h"

/* The previous feed is compared event by event as text, and read with
 * libical only where the text differs: a previous feed written otherwise
 * (LF line ends, SEQUENCE with a leading zero, an event twice, folded
 * differently) must give what a full parse gives — here, nothing changed. */
static void
test_regeneration_reads_other_writers (void **state)
{
  Fixture fixture = fixture_example ();
  g_autofree char *first = render (&fixture, 0, NULL, T0);
  g_autofree char *lf_only = replace_all (first, "\r\n", "\n");
  g_autofree char *zero_padded = replace_all (first, "SEQUENCE:0\r\n", "SEQUENCE:00\r\n");
  g_autofree char *unfolded_description = replace_all (first, "\r\n ", "");
  g_autofree char *from_lf = render (&fixture, 0, lf_only, T0 + 86400);
  g_autofree char *from_padded = render (&fixture, 0, zero_padded, T0 + 86400);
  g_autofree char *from_unfolded = render (&fixture, 0, unfolded_description, T0 + 86400);
  g_autofree char *doubled = NULL;
  g_autofree char *from_doubled = NULL;
  const char *event = strstr (first, "BEGIN:VEVENT");
  const char *event_end = event != NULL ? strstr (event, "END:VEVENT\r\n") : NULL;

  (void) state;
  assert_non_null (event_end);
  doubled = g_strdup_printf ("%.*s%s", (int) (event_end + 12 - first), first, event);
  from_doubled = render (&fixture, 0, doubled, T0 + 86400);
  assert_string_equal (first, from_lf);
  assert_string_equal (first, from_padded);
  assert_string_equal (first, from_unfolded);
  assert_string_equal (first, from_doubled);
  fixture_clear (&fixture);
}
static void
assert_parse_fails (const char *text, const char *message)
{
  g_autoptr (GError) error = NULL;
  GArray *events = pd_ics_parse_events (text, &error);

  assert_null (events);
  assert_true (g_error_matches (error, PD_ICS_ERROR, PD_ICS_ERROR_PARSE));
  if (strstr (error->message, message) == NULL)
    fail_msg ("'%s' does not say '%s'", error->message, message);
}
static void
test_parse_errors (void **state)
{
  g_autoptr (GArray) empty = NULL;

  (void) state;
  assert_parse_fails ("", "BEGIN:VCALENDAR");
  assert_parse_fails ("hello\r\n", "BEGIN:VCALENDAR");
  assert_parse_fails ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n", "Unterminated event at line 2");
  assert_parse_fails ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20270101T090000Z\r\nEND:VEVENT\r\n"
                      "END:VCALENDAR\r\n", "no UID");
  assert_parse_fails ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
                      "DTSTART");
  assert_parse_fails ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:2027-13-45\r\nEND:VEVENT\r\n"
                      "END:VCALENDAR\r\n", "line 2");

  empty = pd_ics_parse_events ("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", NULL);
  assert_non_null (empty);
  assert_int_equal (empty->len, 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_regeneration_reads_other_writers),
    cmocka_unit_test (test_parse_errors),
  };
  int failed;

  failed = cmocka_run_group_tests_name ("ics-read", tests, NULL, NULL);
  pd_ics_zone_shutdown ();
  return failed;
}
