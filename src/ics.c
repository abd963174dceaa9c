/* SPDX-License-Identifier: MIT
 *
 * ics: call blocks to iCalendar text and back, through libical.
 *
 * The feed is never one tree: the VCALENDAR's own properties, the
 * VTIMEZONE and each VEVENT are serialized by libical one component or
 * property at a time and streamed to the caller, so a 500 000-event feed
 * costs one event at a time. A PdIcsRenderer keeps libical's text of the
 * values that repeat from event to event and from feed to feed (times,
 * summaries, alarms, stamps), so that only what is unique to an event —
 * its UID and DESCRIPTION — is serialized per event.
 * Reading works the same way: the text is cut at its BEGIN:VEVENT and
 * END:VEVENT lines and each slice goes through icalparser on its own.
 * The libical workarounds are numbered after PITFALLS.md.
 */
#define G_LOG_DOMAIN "prospectd-ics"

#include "prospectd/format.h"
#include "prospectd/ics.h"

#include <glib/gi18n.h>
#include <libical/ical.h>
#include <string.h>

#ifndef PD_VERSION
#define PD_VERSION "0.1"
#endif

/* libical's types, for g_autoptr. A child still attached to its parent is
 * not freed by these (PITFALLS 4): hand children over with
 * g_steal_pointer() when adding them. */
static void
zone_free (icaltimezone *zone)
{
  icaltimezone_free (zone, 1);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (icalcomponent, icalcomponent_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (icalproperty, icalproperty_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (icaltimezone, zone_free)

#define PD_ICS_REFRESH "PT1H"
#define PD_ICS_CATEGORY "Prospecting" /* a filter key: not translated */
#define PD_ICS_UID_DOMAIN "prospectd"

G_DEFINE_QUARK (pd-ics-error-quark, pd_ics_error)

/* libical's last error as text, or "" when it set none. */
static const char *
ical_error_text (void)
{
  if (icalerrno == ICAL_NO_ERROR)
    return "";
  return icalerror_strerror (icalerrno);
}

/* ------------------------------------------------------------ building */

/* An X- property with a TEXT value escaped by libical.
 *
 * PITFALLS 6: libical 3.0.16 leaves ',' and ';' unescaped in any value
 * whose parent is an X- property (icalmemory_strdup_and_quote() in
 * icalvalue.c tests icalproperty_isa (value->parent)), while it does escape
 * '\\' and newlines. Detaching the value's parent pointer makes that test
 * fail, so libical escapes the value as the TEXT it is; icalproperty_free()
 * still frees the value (it frees p->value whatever its parent says). */
static icalproperty *
x_text_property_new (const char *name, const char *text)
{
  icalproperty *property = icalproperty_new_x (text);

  icalproperty_set_x_name (property, name);
  icalvalue_set_parent (icalproperty_get_value (property), NULL);
  return property;
}

/* Removes every X-LIC-LOCATION of a VTIMEZONE. */
static void
remove_lic_location (icalcomponent *vtimezone)
{
  g_autoptr (GPtrArray) doomed = g_ptr_array_new ();

  for (icalproperty *property = icalcomponent_get_first_property (vtimezone, ICAL_X_PROPERTY);
       property != NULL;
       property = icalcomponent_get_next_property (vtimezone, ICAL_X_PROPERTY))
    {
      const char *name = icalproperty_get_x_name (property);

      if (name != NULL && g_ascii_strcasecmp (name, "X-LIC-LOCATION") == 0)
        g_ptr_array_add (doomed, property);
    }
  for (guint i = 0; i < doomed->len; i++)
    {
      icalproperty *property = g_ptr_array_index (doomed, i);

      icalcomponent_remove_property (vtimezone, property);
      icalproperty_free (property);
    }
}

static struct icaltimetype
utc_midnight_of_january_first (int year)
{
  struct icaltimetype time = icaltime_null_time ();

  time.year = year;
  time.month = 1;
  time.day = 1;
  time.is_date = 0;
  time.zone = icaltimezone_get_utc_timezone ();
  return time;
}

/* A recurrence rule as text without its UNTIL, to compare rules. */
static char *
rule_text_without_until (struct icalrecurrencetype recur)
{
  recur.until = icaltime_null_time ();
  recur.count = 0;
  char *text = icalrecurrencetype_as_string_r (&recur);
  char *copy = g_strdup (text);
  icalmemory_free_buffer (text);
  return copy;
}

/* Whether `original` (libical's full zone) has an observance of the same
 * kind, offsets and rule as `observance` whose rule has no end: the rule
 * is still in force, and the UNTIL is only the truncation's. */
static gboolean
rule_in_force (icalcomponent *original, icalcomponent *observance, struct icalrecurrencetype recur)
{
  g_autofree char *rule = rule_text_without_until (recur);
  icalcomponent_kind kind = icalcomponent_isa (observance);
  icalproperty *from = icalcomponent_get_first_property (observance, ICAL_TZOFFSETFROM_PROPERTY);
  icalproperty *to = icalcomponent_get_first_property (observance, ICAL_TZOFFSETTO_PROPERTY);

  if (from == NULL || to == NULL)
    return FALSE;
  for (icalcomponent *candidate = icalcomponent_get_first_component (original, kind);
       candidate != NULL;
       candidate = icalcomponent_get_next_component (original, kind))
    {
      icalproperty *candidate_rule = icalcomponent_get_first_property (candidate, ICAL_RRULE_PROPERTY);
      icalproperty *candidate_from = icalcomponent_get_first_property (candidate, ICAL_TZOFFSETFROM_PROPERTY);
      icalproperty *candidate_to = icalcomponent_get_first_property (candidate, ICAL_TZOFFSETTO_PROPERTY);

      if (candidate_rule == NULL || candidate_from == NULL || candidate_to == NULL
          || icalproperty_get_tzoffsetfrom (candidate_from) != icalproperty_get_tzoffsetfrom (from)
          || icalproperty_get_tzoffsetto (candidate_to) != icalproperty_get_tzoffsetto (to))
        continue;
      struct icalrecurrencetype candidate_recur = icalproperty_get_rrule (candidate_rule);
      g_autofree char *candidate_text = rule_text_without_until (candidate_recur);
      if (icaltime_is_null_time (candidate_recur.until) && candidate_recur.count == 0
          && g_str_equal (candidate_text, rule))
        return TRUE;
    }
  return FALSE;
}

/* PITFALLS 25: readers such as python3-icalendar 4.0.3 (dateutil 2.8)
 * cannot build a zone from an observance whose RRULE has an UNTIL. A rule
 * still in force loses the UNTIL the truncation gave it (libical's own
 * zone data leaves it open-ended); a rule that really ended becomes its
 * onsets from the year before the campaign's first (the one in force on
 * its first day) to its end: DTSTART the first, one RDATE each after. */
static void
open_or_list_rules (icalcomponent *vtimezone, icalcomponent *original, int first_year)
{
  static const icalcomponent_kind kinds[] = { ICAL_XSTANDARD_COMPONENT, ICAL_XDAYLIGHT_COMPONENT };

  for (gsize k = 0; k < G_N_ELEMENTS (kinds); k++)
    for (icalcomponent *observance = icalcomponent_get_first_component (vtimezone, kinds[k]);
         observance != NULL;
         observance = icalcomponent_get_next_component (vtimezone, kinds[k]))
      {
        icalproperty *rrule = icalcomponent_get_first_property (observance, ICAL_RRULE_PROPERTY);
        icalproperty *from = icalcomponent_get_first_property (observance, ICAL_TZOFFSETFROM_PROPERTY);
        if (rrule == NULL || from == NULL)
          continue;
        struct icalrecurrencetype recur = icalproperty_get_rrule (rrule);
        if (icaltime_is_null_time (recur.until))
          continue;
        if (rule_in_force (original, observance, recur))
          {
            recur.until = icaltime_null_time ();
            icalproperty_set_rrule (rrule, recur);
            continue;
          }

        /* UNTIL is in UTC, the onsets are wall times at TZOFFSETFROM. */
        struct icaltimetype dtstart = icalcomponent_get_dtstart (observance);
        int offset = icalproperty_get_tzoffsetfrom (from);
        time_t until = icaltime_as_timet_with_zone (recur.until, icaltimezone_get_utc_timezone ());
        g_autoptr (GArray) onsets = g_array_new (FALSE, FALSE, sizeof (struct icaltimetype));
        icalrecur_iterator *iterator = icalrecur_iterator_new (recur, dtstart);

        for (struct icaltimetype onset = iterator != NULL ? icalrecur_iterator_next (iterator)
                                                          : icaltime_null_time ();
             !icaltime_is_null_time (onset) && onsets->len < 1000;
             onset = icalrecur_iterator_next (iterator))
          {
            struct icaltimetype floating = onset;
            floating.zone = NULL;
            if (icaltime_as_timet (floating) - offset > until)
              break;
            if (onset.year >= first_year - 1)
              g_array_append_val (onsets, onset);
          }
        if (iterator != NULL)
          icalrecur_iterator_free (iterator);

        icalcomponent_remove_property (observance, rrule);
        icalproperty_free (rrule);
        if (onsets->len == 0)
          continue; /* ended before the campaign: its DTSTART says when it began */
        struct icaltimetype first = g_array_index (onsets, struct icaltimetype, 0);
        first.zone = NULL;
        icalcomponent_set_dtstart (observance, first);
        for (guint i = 1; i < onsets->len; i++)
          {
            struct icaldatetimeperiodtype rdate = { .time = g_array_index (onsets, struct icaltimetype, i),
                                                    .period = icalperiodtype_null_period () };
            rdate.time.zone = NULL;
            icalcomponent_add_property (observance, icalproperty_new_rdate (rdate));
          }
      }
}

/* PITFALLS 1: the VTIMEZONE of a zone of our own, whose TZID is the plain
 * IANA name and which covers only the campaign's years. Built from a
 * clone of libical's built-in component, truncated with ms_compatible = 1
 * (one STANDARD and one DAYLIGHT with an RRULE, which Outlook wants), the
 * rules in force left open-ended and ended ones listed (PITFALLS 25), TZID
 * set, X-LIC-LOCATION dropped. */
char *
pd_ics_vtimezone_text (const char *name, int first_year, int last_year, GError **error)
{
  icaltimezone *builtin;
  icalcomponent *component;
  icalproperty *tzid;
  g_autoptr (icalcomponent) vtimezone = NULL;
  char *text;
  char *copy;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  icalerrno = ICAL_NO_ERROR;
  builtin = name != NULL && *name != '\0' ? icaltimezone_get_builtin_timezone (name) : NULL;
  component = builtin != NULL ? icaltimezone_get_component (builtin) : NULL;
  if (builtin != NULL && component == NULL)
    {
      /* "UTC" and "GMT" are libical's own zone, which has no VTIMEZONE:
       * use the tz database's Etc/ entry under the campaign's name. */
      g_autofree char *etc_name = g_strconcat ("Etc/", name, NULL);

      builtin = icaltimezone_get_builtin_timezone (etc_name);
      component = builtin != NULL ? icaltimezone_get_component (builtin) : NULL;
    }
  if (component == NULL)
    {
      const char *detail = ical_error_text ();

      g_set_error (error, PD_ICS_ERROR, PD_ICS_ERROR_ZONE,
                   *detail != '\0' ? _("Unknown time zone: '%s' (libical: %s)")
                                   : _("Unknown time zone: '%s'%s"),
                   name != NULL ? name : "", detail);
      return NULL;
    }

  vtimezone = icalcomponent_new_clone (component);
  icaltimezone_truncate_vtimezone (vtimezone, utc_midnight_of_january_first (first_year - 1),
                                   utc_midnight_of_january_first (last_year + 1), 1);
  open_or_list_rules (vtimezone, component, first_year);
  tzid = icalcomponent_get_first_property (vtimezone, ICAL_TZID_PROPERTY);
  if (tzid != NULL)
    icalproperty_set_tzid (tzid, name);
  else
    icalcomponent_add_property (vtimezone, icalproperty_new_tzid (name));
  remove_lic_location (vtimezone);
  text = icalcomponent_as_ical_string_r (vtimezone);
  copy = g_strdup (text);
  icalmemory_free_buffer (text);
  return copy;
}

static icalcomponent *parse_string (const char *text);

static PdIcsVtimezoneSource vtimezone_source;

void
pd_ics_set_vtimezone_source (PdIcsVtimezoneSource source)
{
  vtimezone_source = source;
}

/* The campaign's zone, from its VTIMEZONE text (the zone owns the
 * component parsed from it). Parsing the text and naming the zone in
 * DTSTART/DTEND never expand its rules: only building the text does. */
static icaltimezone *
campaign_zone_new (const PdCampaign *campaign, char **ret_text, GError **error)
{
  const char *name = campaign->timezone != NULL ? campaign->timezone : "";
  int first_year = g_date_get_year (&campaign->start);
  int last_year = g_date_get_year (&campaign->end);
  g_autofree char *text = NULL;
  g_autoptr (icalcomponent) vtimezone = NULL;
  g_autoptr (icaltimezone) zone = NULL;

  if (vtimezone_source != NULL)
    text = vtimezone_source (name, first_year, last_year);
  if (text == NULL && (text = pd_ics_vtimezone_text (name, first_year, last_year, error)) == NULL)
    return NULL;

  vtimezone = parse_string (text);
  zone = icaltimezone_new ();
  if (vtimezone == NULL || icalcomponent_isa (vtimezone) != ICAL_VTIMEZONE_COMPONENT
      || !icaltimezone_set_component (zone, vtimezone))
    {
      g_set_error (error, PD_ICS_ERROR, PD_ICS_ERROR_ZONE,
                   _("Cannot build the time zone: '%s' (libical: %s)"),
                   name, ical_error_text ());
      return NULL;
    }
  g_steal_pointer (&vtimezone); /* the zone owns it now */
  *ret_text = g_steal_pointer (&text);
  return g_steal_pointer (&zone);
}

/* A wall-clock time on `date` in `zone`, never converted (PITFALLS 3, 8):
 * the feed says what the schedule says. minute >= 1440 is the next day. */
static struct icaltimetype
local_time (icaltimezone *zone, const GDate *date, guint minute)
{
  GDate day = *date;
  struct icaltimetype time = icaltime_null_time ();

  if (minute >= 24 * 60)
    {
      g_date_add_days (&day, minute / (24 * 60));
      minute %= 24 * 60;
    }
  time.year = g_date_get_year (&day);
  time.month = g_date_get_month (&day);
  time.day = g_date_get_day (&day);
  time.hour = (int) (minute / 60);
  time.minute = (int) (minute % 60);
  time.is_date = 0;
  return icaltime_set_timezone (&time, zone);
}

static struct icaltimetype
utc_time (gint64 unix_seconds)
{
  return icaltime_from_timet_with_zone ((time_t) unix_seconds, 0,
                                        icaltimezone_get_utc_timezone ());
}

static char *
count_text (gint64 count)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, count);
}

static unsigned long
plural_of (gint64 count)
{
  return count < 0 ? 0 : (unsigned long) MIN (count, (gint64) G_MAXINT);
}

static char *
block_summary (const PdBlock *block)
{
  g_autofree char *count = count_text (block->contacts);

  return g_strdup_printf (ngettext ("Call block — %s contact",
                                    "Call block — %s contacts",
                                    plural_of (block->contacts)),
                          count);
}

/* The lines of an event's DESCRIPTION (joined with '\n'), each made
 * apart so that a renderer can keep those that repeat. */
static char *
block_line (gint64 contacts)
{
  g_autofree char *count = count_text (contacts);

  return g_strdup_printf (ngettext ("This block: %s contact",
                                    "This block: %s contacts",
                                    plural_of (contacts)),
                          count);
}

static char *
day_line (gint64 day_contacts)
{
  g_autofree char *count = count_text (day_contacts);

  return g_strdup_printf (ngettext ("Today: %s contact",
                                    "Today: %s contacts",
                                    plural_of (day_contacts)),
                          count);
}

static char *
cumulative_line (gint64 cumulative)
{
  g_autofree char *count = count_text (cumulative);

  return g_strdup_printf (ngettext ("Cumulative target by the end of the day: %s contact",
                                    "Cumulative target by the end of the day: %s contacts",
                                    plural_of (cumulative)),
                          count);
}

/* The first checkpoint on or after `date` (campaign order), or -1.
 *
 * GLib fills in a GDate's other representation (day-month-year or Julian
 * day) when asked, even through a const pointer: dates shared between
 * threads (the campaign's, the schedule's) are read from copies. */
static gint
next_checkpoint (const PdCampaign *campaign, const GDate *date)
{
  for (guint k = 0; campaign->checkpoints != NULL && k < campaign->checkpoints->len; k++)
    {
      GDate checkpoint_date = g_array_index (campaign->checkpoints, PdCheckpoint, k).date;

      if (g_date_compare (&checkpoint_date, date) >= 0)
        return (gint) k;
    }
  return -1;
}

static char *
checkpoint_line (const PdCampaign *campaign, guint checkpoint_index, gint64 rep_contacts)
{
  GDate checkpoint_date = g_array_index (campaign->checkpoints, PdCheckpoint, checkpoint_index).date;
  gint64 target = pd_schedule_checkpoint_target (campaign, checkpoint_index, rep_contacts);
  g_autofree char *target_count = count_text (target);
  g_autofree char *date = pd_format_date (&checkpoint_date);

  return g_strdup_printf (ngettext ("Next checkpoint: %s, %s contact cumulative",
                                    "Next checkpoint: %s, %s contacts cumulative",
                                    plural_of (target)),
                          date, target_count);
}

/* Appends `value` in decimal, zero-padded to `width` digits (%0*u). */
static void
append_decimal (GString *out, guint value, guint width)
{
  char digits[16];
  guint n = 0;

  do
    {
      digits[n++] = (char) ('0' + value % 10);
      value /= 10;
    }
  while (value > 0);
  while (n < width && n < sizeof digits)
    digits[n++] = '0';
  while (n > 0)
    g_string_append_c (out, digits[--n]);
}

/* Appends the UID (see ics.h): "%04u%02u%02u-%u-%s@%s.prospectd". */
static void
uid_append (GString *out, const GDate *date, guint index, const char *rep_escaped, const char *id_escaped)
{
  append_decimal (out, (guint) g_date_get_year (date), 4);
  append_decimal (out, (guint) g_date_get_month (date), 2);
  append_decimal (out, (guint) g_date_get_day (date), 2);
  g_string_append_c (out, '-');
  append_decimal (out, index, 0);
  g_string_append_c (out, '-');
  g_string_append (out, rep_escaped);
  g_string_append_c (out, '@');
  g_string_append (out, id_escaped);
  g_string_append (out, "." PD_ICS_UID_DOMAIN);
}

static char *
uid_escape (const char *text)
{
  /* Every byte outside the URI "unreserved" set is percent-encoded. */
  return g_uri_escape_string (text != NULL ? text : "", NULL, FALSE);
}

char *
pd_ics_block_uid (const PdCampaign *campaign, const PdBlock *block)
{
  const PdRep *rep;
  g_autofree char *rep_escaped = NULL;
  g_autofree char *id_escaped = NULL;
  GString *uid;

  g_return_val_if_fail (campaign != NULL && block != NULL, NULL);
  g_return_val_if_fail (block->rep_index < campaign->reps->len, NULL);
  g_return_val_if_fail (g_date_valid (&block->date), NULL);

  rep = g_ptr_array_index (campaign->reps, block->rep_index);
  rep_escaped = uid_escape (rep->name);
  id_escaped = uid_escape (campaign->id);
  uid = g_string_new (NULL);
  uid_append (uid, &block->date, block->index, rep_escaped, id_escaped);
  return g_string_free (uid, FALSE);
}

/* What decides whether an event "changed": DTSTART and DTEND (TZID and
 * wall time), SUMMARY and DESCRIPTION, each as libical writes it, so that a
 * freshly built event and one parsed back compare equal. */
#define FINGERPRINT_SIZE 32 /* SHA-256 */

static void
event_fingerprint (icalcomponent *event, guint8 digest[FINGERPRINT_SIZE])
{
  static const icalproperty_kind kinds[] = {
    ICAL_DTSTART_PROPERTY, ICAL_DTEND_PROPERTY,
    ICAL_SUMMARY_PROPERTY, ICAL_DESCRIPTION_PROPERTY,
  };
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize size = FINGERPRINT_SIZE;

  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      icalproperty *property = icalcomponent_get_first_property (event, kinds[i]);
      icalparameter *tzid;
      char *value;

      /* Field separators that cannot occur in the values (NUL bytes). */
      g_checksum_update (checksum, (const guchar *) (property != NULL ? "P" : "-"), 2);
      if (property == NULL)
        continue;
      tzid = icalproperty_get_first_parameter (property, ICAL_TZID_PARAMETER);
      if (tzid != NULL && icalparameter_get_tzid (tzid) != NULL)
        g_checksum_update (checksum, (const guchar *) icalparameter_get_tzid (tzid),
                           (gssize) strlen (icalparameter_get_tzid (tzid)) + 1);
      else
        g_checksum_update (checksum, (const guchar *) "", 1);
      value = icalproperty_get_value_as_string_r (property);
      if (value != NULL)
        g_checksum_update (checksum, (const guchar *) value, (gssize) strlen (value) + 1);
      icalmemory_free_buffer (value);
    }
  g_checksum_get_digest (checksum, digest, &size);
}

/* ------------------------------------------------------------- reading */

/* Calls `func` on each VEVENT of `text`, parsed on its own.
 *
 * Content lines never start with a space once unfolded, and a folded
 * continuation always does, so a line that is exactly BEGIN:VEVENT or
 * END:VEVENT is a component boundary. When `strict`, a text that is not a
 * VCALENDAR, an unterminated event or a slice libical cannot parse is an
 * error; otherwise such slices are skipped. */
typedef gboolean (*EventFunc) (icalcomponent *event, gpointer user_data, GError **error);

static gboolean
line_is (const char *line, gsize length, const char *word)
{
  gsize word_length = strlen (word);

  return length == word_length && g_ascii_strncasecmp (line, word, length) == 0;
}

/* Calls `func` on the text of each VEVENT of `text` (from its BEGIN:VEVENT
 * line to the end of its END:VEVENT line, line end included), with the
 * line number of its BEGIN. Writes to ret_unterminated the line of an
 * event left open at the end of the text (0 when none). */
typedef gboolean (*SliceFunc) (const char *slice, gsize length, guint line,
                               gpointer user_data, GError **error);

static gboolean
foreach_slice (const char *text, SliceFunc func, gpointer user_data,
               guint *ret_unterminated, GError **error)
{
  const char *line = text;
  const char *event_start = NULL;
  guint line_number = 0;
  guint event_line = 0;

  while (*line != '\0')
    {
      const char *newline = strchr (line, '\n');
      const char *next = newline != NULL ? newline + 1 : line + strlen (line);
      gsize length = (gsize) ((newline != NULL ? newline : next) - line);

      line_number++;
      if (length > 0 && line[length - 1] == '\r')
        length--;

      if (event_start == NULL && line_is (line, length, "BEGIN:VEVENT"))
        {
          event_start = line;
          event_line = line_number;
        }
      else if (event_start != NULL && line_is (line, length, "END:VEVENT"))
        {
          const char *slice = event_start;

          event_start = NULL;
          if (!func (slice, (gsize) (next - slice), event_line, user_data, error))
            return FALSE;
        }
      line = next;
    }
  *ret_unterminated = event_start != NULL ? event_line : 0;
  return TRUE;
}

typedef struct {
  gboolean strict;
  EventFunc func;
  gpointer user_data;
} ParseSlices;

/* icalparser_parse_string(), one thread at a time: it saves, changes and
 * restores libical's process-wide error state for malformed data
 * (icalparser.c), which two threads parsing at once could leave changed.
 * Parsing is the rare path of rendering (changed events only). */
static GMutex parser_lock;

static icalcomponent *
parse_string (const char *text)
{
  icalcomponent *component;

  g_mutex_lock (&parser_lock);
  icalerrno = ICAL_NO_ERROR;
  component = icalparser_parse_string (text);
  g_mutex_unlock (&parser_lock);
  return component;
}

/* A VEVENT's text through icalparser, or NULL when libical cannot read it
 * (unparseable, not a VEVENT, or a property in error). */
static icalcomponent *
parse_event_slice (const char *slice, gsize length)
{
  g_autofree char *copy = g_strndup (slice, length);
  icalcomponent *event;

  event = parse_string (copy);
  if (event != NULL
      && (icalcomponent_isa (event) != ICAL_VEVENT_COMPONENT || icalcomponent_count_errors (event) > 0))
    g_clear_pointer (&event, icalcomponent_free);
  return event;
}

static gboolean
parse_slice (const char *slice, gsize length, guint line, gpointer user_data, GError **error)
{
  ParseSlices *parse = user_data;
  g_autofree char *copy = g_strndup (slice, length);
  g_autoptr (icalcomponent) event = NULL;
  int errors;

  event = parse_string (copy);
  errors = event != NULL ? icalcomponent_count_errors (event) : 0;

  if (event == NULL || icalcomponent_isa (event) != ICAL_VEVENT_COMPONENT || errors > 0)
    {
      if (!parse->strict)
        return TRUE;
      g_set_error (error, PD_ICS_ERROR, PD_ICS_ERROR_PARSE,
                   _("Unreadable event at line %u (libical: %s)"),
                   line,
                   errors > 0 ? _("a property does not parse") : ical_error_text ());
      return FALSE;
    }
  if (!parse->func (event, parse->user_data, error))
    {
      if (error != NULL && *error != NULL)
        g_prefix_error (error, _("Event at line %u: "), line);
      return FALSE;
    }
  return TRUE;
}

static gboolean
foreach_event (const char *text, gboolean strict, EventFunc func, gpointer user_data, GError **error)
{
  ParseSlices parse = { strict, func, user_data };
  guint unterminated = 0;

  if (!g_str_has_prefix (text, "BEGIN:VCALENDAR"))
    {
      if (!strict)
        return TRUE;
      g_set_error (error, PD_ICS_ERROR, PD_ICS_ERROR_PARSE,
                   _("Not an iCalendar feed: it does not start with BEGIN:VCALENDAR"));
      return FALSE;
    }
  if (!foreach_slice (text, parse_slice, &parse, &unterminated, error))
    return FALSE;
  if (unterminated != 0 && strict)
    {
      g_set_error (error, PD_ICS_ERROR, PD_ICS_ERROR_PARSE,
                   _("Unterminated event at line %u"), unterminated);
      return FALSE;
    }
  return TRUE;
}

void
pd_ics_event_clear (PdIcsEvent *event)
{
  if (event == NULL)
    return;
  g_clear_pointer (&event->uid, g_free);
  g_clear_pointer (&event->tzid, g_free);
  g_clear_pointer (&event->summary, g_free);
  g_clear_pointer (&event->description, g_free);
}

/* The wall-clock date and minute of a DTSTART/DTEND property. */
static gboolean
read_wall_time (icalproperty *property, GDate *ret_date, guint *ret_minute, gboolean *ret_utc)
{
  struct icaltimetype time = icalvalue_get_datetime (icalproperty_get_value (property));

  if (icaltime_is_null_time (time)
      || !g_date_valid_dmy ((GDateDay) time.day, (GDateMonth) time.month, (GDateYear) time.year)
      || time.hour < 0 || time.hour > 23 || time.minute < 0 || time.minute > 59)
    return FALSE;
  g_date_clear (ret_date, 1);
  g_date_set_dmy (ret_date, (GDateDay) time.day, (GDateMonth) time.month, (GDateYear) time.year);
  *ret_minute = (guint) (time.is_date ? 0 : time.hour * 60 + time.minute);
  if (ret_utc != NULL)
    *ret_utc = icaltime_is_utc (time);
  return TRUE;
}

static gboolean
collect_event (icalcomponent *component, gpointer user_data, GError **error)
{
  GArray *events = user_data;
  PdIcsEvent event = { 0 };
  icalproperty *property;
  icalparameter *tzid;

  if (icalcomponent_get_uid (component) == NULL || *icalcomponent_get_uid (component) == '\0')
    {
      g_set_error (error, PD_ICS_ERROR, PD_ICS_ERROR_PARSE, _("no UID"));
      return FALSE;
    }
  event.uid = g_strdup (icalcomponent_get_uid (component));

  property = icalcomponent_get_first_property (component, ICAL_DTSTART_PROPERTY);
  if (property == NULL || !read_wall_time (property, &event.start_date, &event.start_minute, &event.utc))
    {
      g_set_error (error, PD_ICS_ERROR, PD_ICS_ERROR_PARSE,
                   _("no valid DTSTART: '%s'"), event.uid);
      pd_ics_event_clear (&event);
      return FALSE;
    }
  tzid = icalproperty_get_first_parameter (property, ICAL_TZID_PARAMETER);
  if (tzid != NULL && icalparameter_get_tzid (tzid) != NULL)
    event.tzid = g_strdup (icalparameter_get_tzid (tzid));

  g_date_clear (&event.end_date, 1);
  property = icalcomponent_get_first_property (component, ICAL_DTEND_PROPERTY);
  if (property != NULL && !read_wall_time (property, &event.end_date, &event.end_minute, NULL))
    {
      g_set_error (error, PD_ICS_ERROR, PD_ICS_ERROR_PARSE,
                   _("invalid DTEND: '%s'"), event.uid);
      pd_ics_event_clear (&event);
      return FALSE;
    }

  property = icalcomponent_get_first_property (component, ICAL_DTSTAMP_PROPERTY);
  if (property != NULL)
    event.dtstamp = (gint64) icaltime_as_timet (icalproperty_get_dtstamp (property));
  event.sequence = icalcomponent_get_sequence (component);
  if (icalcomponent_get_summary (component) != NULL)
    event.summary = g_strdup (icalcomponent_get_summary (component));
  if (icalcomponent_get_description (component) != NULL)
    event.description = g_strdup (icalcomponent_get_description (component));

  for (icalcomponent *alarm = icalcomponent_get_first_component (component, ICAL_VALARM_COMPONENT);
       alarm != NULL;
       alarm = icalcomponent_get_next_component (component, ICAL_VALARM_COMPONENT))
    {
      icalproperty *action = icalcomponent_get_first_property (alarm, ICAL_ACTION_PROPERTY);
      icalproperty *trigger = icalcomponent_get_first_property (alarm, ICAL_TRIGGER_PROPERTY);

      if (action == NULL || icalproperty_get_action (action) != ICAL_ACTION_DISPLAY || trigger == NULL)
        continue;
      event.has_alarm = TRUE;
      event.alarm_minutes = -icaldurationtype_as_int (icalproperty_get_trigger (trigger).duration) / 60;
      break;
    }

  g_array_append_val (events, event);
  return TRUE;
}

GArray *
pd_ics_parse_events (const char *text, GError **error)
{
  g_autoptr (GArray) events = g_array_new (FALSE, TRUE, sizeof (PdIcsEvent));

  g_return_val_if_fail (text != NULL, NULL);

  g_array_set_clear_func (events, (GDestroyNotify) pd_ics_event_clear);
  if (!foreach_event (text, TRUE, collect_event, events, error))
    return NULL;
  return g_steal_pointer (&events);
}

/* What regeneration keeps of a previous event. */
typedef struct {
  gint64 sequence;
  gint64 dtstamp; /* unix seconds */
  guint8 fingerprint[FINGERPRINT_SIZE];
} PreviousEvent;

static gboolean
remember_event (icalcomponent *component, gpointer user_data, GError **error)
{
  GHashTable *previous = user_data;
  icalproperty *dtstamp = icalcomponent_get_first_property (component, ICAL_DTSTAMP_PROPERTY);
  const char *uid = icalcomponent_get_uid (component);
  PreviousEvent *event;

  (void) error;
  if (uid == NULL || *uid == '\0' || dtstamp == NULL)
    return TRUE; /* unusable: the block will be "new" */
  event = g_new0 (PreviousEvent, 1);
  event->sequence = icalcomponent_get_sequence (component);
  event->dtstamp = (gint64) icaltime_as_timet (icalproperty_get_dtstamp (dtstamp));
  event_fingerprint (component, event->fingerprint);
  g_hash_table_replace (previous, g_strdup (uid), event);
  return TRUE;
}

/* ----------------------------------------------------------- rendering */

static icalcomponent *
calendar_new (const PdCampaign *campaign, const PdRep *rep)
{
  icalcomponent *calendar = icalcomponent_new (ICAL_VCALENDAR_COMPONENT);
  g_autofree char *calendar_name = g_strdup_printf ("%s — %s", campaign->name, rep->name);

  icalcomponent_add_property (calendar, icalproperty_new_version ("2.0"));
  icalcomponent_add_property (calendar, icalproperty_new_prodid ("-//prospectd//prospectd " PD_VERSION "//EN"));
  icalcomponent_add_property (calendar, icalproperty_new_calscale ("GREGORIAN"));
  icalcomponent_add_property (calendar, x_text_property_new ("X-WR-CALNAME", calendar_name));
  icalcomponent_add_property (calendar, x_text_property_new ("X-WR-TIMEZONE", campaign->timezone));
  icalcomponent_add_property (calendar,
                              icalproperty_new_refreshinterval (icaldurationtype_from_string (PD_ICS_REFRESH)));
  icalcomponent_add_property (calendar, x_text_property_new ("X-PUBLISHED-TTL", PD_ICS_REFRESH));
  return calendar;
}

static icalcomponent *
alarm_new (const char *description, guint reminder_minutes)
{
  icalcomponent *alarm = icalcomponent_new (ICAL_VALARM_COMPONENT);
  struct icaltriggertype trigger = { 0 };

  trigger.time = icaltime_null_time ();
  trigger.duration = icaldurationtype_null_duration ();
  trigger.duration.is_neg = 1;
  trigger.duration.minutes = reminder_minutes;
  icalcomponent_add_property (alarm, icalproperty_new_action (ICAL_ACTION_DISPLAY));
  icalcomponent_add_property (alarm, icalproperty_new_trigger (trigger));
  icalcomponent_add_property (alarm, icalproperty_new_description (description));
  return alarm;
}

/* ----------------------------------------------- the previous feed, lazily
 *
 * Regenerating a feed must decide, per event, whether it changed since the
 * previous feed. Parsing every previous event with icalparser costs more
 * than writing the feed, so the previous feed is first only cut into
 * events and indexed by UID, and each event is compared as text: when the
 * previous event is byte for byte what would be written now, apart from
 * its DTSTAMP and SEQUENCE lines (in libical's canonical form), it is
 * unchanged and is copied as it is. Only an event that differs goes
 * through icalparser and the fingerprint comparison above, so the outcome
 * is the same as parsing everything; a feed whose UIDs cannot be read as
 * plain text (folded parameters, escapes, duplicates) is parsed whole, as
 * before. */

typedef struct {
  const char *text;   /* into the previous feed */
  gsize length;
} PreviousSlice;

typedef struct {
  GHashTable *slices; /* UID (owned) -> PreviousSlice* (owned) */
  gboolean irregular; /* some UID is not plain: parse the whole feed */
} SliceIndex;

/* The next content line of `text` (up to `end`), unfolded only when it
 * needs to be (a continuation line starts with a space or a tab). Returns
 * where the line after it starts; *ret_line / *ret_length give the raw
 * first physical line, *ret_folded says whether continuations followed. */
static const char *
next_line (const char *text, const char *end, const char **ret_line, gsize *ret_length,
           gboolean *ret_folded)
{
  const char *newline = memchr (text, '\n', (gsize) (end - text));
  const char *next = newline != NULL ? newline + 1 : end;
  gsize length = (gsize) ((newline != NULL ? newline : end) - text);

  if (length > 0 && text[length - 1] == '\r')
    length--;
  *ret_line = text;
  *ret_length = length;
  *ret_folded = next < end && (*next == ' ' || *next == '\t');
  return next;
}

static gboolean
index_slice (const char *slice, gsize length, guint line, gpointer user_data, GError **error)
{
  SliceIndex *index = user_data;
  const char *end = slice + length;
  const char *cursor = slice;
  int depth = 0;
  char *uid = NULL;

  (void) line;
  (void) error;
  while (cursor < end && uid == NULL)
    {
      const char *text;
      gsize text_length;
      gboolean folded;

      cursor = next_line (cursor, end, &text, &text_length, &folded);
      if (text_length >= 6 && g_ascii_strncasecmp (text, "BEGIN:", 6) == 0)
        depth++;
      else if (text_length >= 4 && g_ascii_strncasecmp (text, "END:", 4) == 0)
        depth--;
      else if (depth == 1 && text_length >= 4 && g_ascii_strncasecmp (text, "UID", 3) == 0
               && (text[3] == ':' || text[3] == ';'))
        {
          if (text[3] == ';' || folded || memchr (text, '\\', text_length) != NULL
              || text_length == 4)
            {
              index->irregular = TRUE;
              return TRUE;
            }
          uid = g_strndup (text + 4, text_length - 4);
        }
    }
  if (uid == NULL)
    {
      /* No UID: such an event is never matched; but a UID libical would
       * find where this scan does not is not worth guessing about. */
      index->irregular = TRUE;
      return TRUE;
    }
  if (g_hash_table_contains (index->slices, uid))
    {
      index->irregular = TRUE;
      g_free (uid);
      return TRUE;
    }
  {
    PreviousSlice *previous = g_new (PreviousSlice, 1);

    previous->text = slice;
    previous->length = length;
    g_hash_table_insert (index->slices, uid, previous);
  }
  return TRUE;
}

/* The length of the line "<NAME>:...\r\n" at `text` (line end
 * included), or 0 when `text` does not start with such a line. */
static gsize
canonical_line (const char *text, gsize available, const char *name)
{
  gsize name_length = strlen (name);
  const char *end;

  if (available < name_length + 3 || memcmp (text, name, name_length) != 0 || text[name_length] != ':')
    return 0;
  end = memchr (text, '\n', available);
  if (end == NULL || end == text || end[-1] != '\r')
    return 0;
  return (gsize) (end + 1 - text);
}

/* "DTSTAMP:YYYYMMDDTHHMMSSZ\r\n" as libical writes it, as unix seconds. */
static gboolean
canonical_dtstamp (const char *line, gsize length, gint64 *ret_seconds)
{
  const char *v = line + strlen ("DTSTAMP:");
  int year, month, day, hour, minute, second;
  g_autoptr (GDateTime) time = NULL;

  if (length != strlen ("DTSTAMP:YYYYMMDDTHHMMSSZ\r\n") || v[8] != 'T' || v[15] != 'Z')
    return FALSE;
  for (int i = 0; i < 15; i++)
    if (i != 8 && !g_ascii_isdigit (v[i]))
      return FALSE;
#define DIGITS2(p) (((p)[0] - '0') * 10 + ((p)[1] - '0'))
  year = DIGITS2 (v) * 100 + DIGITS2 (v + 2);
  month = DIGITS2 (v + 4);
  day = DIGITS2 (v + 6);
  hour = DIGITS2 (v + 9);
  minute = DIGITS2 (v + 11);
  second = DIGITS2 (v + 13);
#undef DIGITS2
  if (year < 1970 || year > 2999 || hour > 23 || minute > 59 || second > 59
      || !g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    return FALSE;
  time = g_date_time_new_utc (year, month, day, hour, minute, second);
  if (time == NULL)
    return FALSE;
  *ret_seconds = g_date_time_to_unix (time);
  return TRUE;
}

/* "SEQUENCE:<n>\r\n" as libical writes it (no sign, no leading zero). */
static gboolean
canonical_sequence (const char *line, gsize length, gint64 *ret_sequence)
{
  const char *v = line + strlen ("SEQUENCE:");
  gsize digits = length - strlen ("SEQUENCE:") - 2;
  gint64 sequence = 0;

  if (digits == 0 || digits > 9 || (digits > 1 && v[0] == '0'))
    return FALSE;
  for (gsize i = 0; i < digits; i++)
    {
      if (!g_ascii_isdigit (v[i]))
        return FALSE;
      sequence = sequence * 10 + (v[i] - '0');
    }
  *ret_sequence = sequence;
  return TRUE;
}

/* ----------------------------------------------------------- rendering */

/* The campaign's zone, built once per zone and span of years (building it
 * truncates a VTIMEZONE: costly when a thousand feeds are written), with
 * its VTIMEZONE text. Entries are only ever added, under the lock, and
 * live until pd_ics_shutdown(), so that renderers in other threads can
 * keep using theirs; there is one per zone and span of years the process
 * has rendered, a few kilobytes each. */
typedef struct {
  char *key;           /* "<zone>|<first year>|<last year>" */
  icaltimezone *zone;  /* owned */
  char *text;          /* its VTIMEZONE (pd_ics_vtimezone_text), owned */
} ZoneEntry;

static GMutex zones_lock;
static GPtrArray *zones; /* ZoneEntry*, owned */

static void
zone_entry_free (gpointer data)
{
  ZoneEntry *entry = data;

  g_free (entry->key);
  zone_free (entry->zone);
  g_free (entry->text);
  g_free (entry);
}

static const ZoneEntry *
campaign_zone (const PdCampaign *campaign, GError **error)
{
  g_autofree char *key = g_strdup_printf ("%s|%d|%d", campaign->timezone != NULL ? campaign->timezone : "",
                                          (int) g_date_get_year (&campaign->start),
                                          (int) g_date_get_year (&campaign->end));
  ZoneEntry *found = NULL;
  icaltimezone *zone;
  char *text = NULL;

  g_mutex_lock (&zones_lock);
  if (zones == NULL)
    zones = g_ptr_array_new_with_free_func (zone_entry_free);
  for (guint i = 0; i < zones->len && found == NULL; i++)
    if (strcmp (((ZoneEntry *) g_ptr_array_index (zones, i))->key, key) == 0)
      found = g_ptr_array_index (zones, i);
  if (found == NULL && (zone = campaign_zone_new (campaign, &text, error)) != NULL)
    {
      found = g_new0 (ZoneEntry, 1);
      found->key = g_steal_pointer (&key);
      found->zone = zone;
      found->text = text;
      g_ptr_array_add (zones, found);
    }
  g_mutex_unlock (&zones_lock);
  return found;
}

/* Serialized lines by a number (contacts, a sequence, a time stamp, a
 * day and minute): libical writes each distinct text once per renderer.
 * A full cache starts over, so that memory stays bounded whatever the
 * feeds hold (at most CACHE_LIMIT lines of ~100 bytes each, key and table
 * included); a text taken from a cache is therefore used before the next
 * insertion into the same cache (each cache is asked once per event).
 * The limit holds the year's DTEND lines of the benchmark's organisation
 * (10 075 distinct end times over 1 000 reps). */
#define CACHE_LIMIT 16384

typedef struct {
  gint64 key;
  char text[]; /* NUL-terminated */
} CachedText;

static GHashTable *
text_cache_new (void)
{
  /* The key lives in the value: one allocation per line. */
  return g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
}

static const char *
cached_text (GHashTable *cache, gint64 key)
{
  CachedText *entry = g_hash_table_lookup (cache, &key);

  return entry != NULL ? entry->text : NULL;
}

/* Keeps a copy of `text` under `key` (which must not be in the cache yet)
 * and frees `text` with `free_text`. Returns the copy. */
static const char *
cache_text (GHashTable *cache, gint64 key, char *text, GDestroyNotify free_text)
{
  gsize length = text != NULL ? strlen (text) : 0; /* (libical failed: nothing, as always) */
  CachedText *entry = g_malloc (sizeof (CachedText) + length + 1);

  if (g_hash_table_size (cache) >= CACHE_LIMIT)
    g_hash_table_remove_all (cache);
  entry->key = key;
  memcpy (entry->text, text != NULL ? text : "", length + 1);
  if (text != NULL)
    free_text (text);
  g_hash_table_insert (cache, &entry->key, entry);
  return entry->text;
}

static const char *
property_text (icalcomponent *event, icalproperty_kind kind, GHashTable *cache, gint64 key)
{
  const char *text = cached_text (cache, key);

  if (text == NULL)
    text = cache_text (cache, key,
                       icalproperty_as_ical_string_r (icalcomponent_get_first_property (event, kind)),
                       icalmemory_free_buffer);
  return text;
}

static void
append_property_text (GString *out, icalcomponent *event, icalproperty_kind kind)
{
  char *text = icalproperty_as_ical_string_r (icalcomponent_get_first_property (event, kind));

  g_string_append (out, text);
  icalmemory_free_buffer (text);
}

static void
append_owned (GString *out, icalproperty *property)
{
  char *text = icalproperty_as_ical_string_r (property);

  g_string_append (out, text);
  icalmemory_free_buffer (text);
  icalproperty_free (property);
}

struct _PdIcsRenderer {
  const PdCampaign *campaign;  /* not owned */
  const PdSchedule *schedule;  /* not owned */
  const ZoneEntry *zone;       /* the zone cache's */
  guint *spans;                /* per rep: its first block, one past its last */
  char *id_escaped;
  char *constant;              /* CATEGORIES and TRANSP, as libical writes them */
  icalcomponent *scratch;      /* the event's properties (see render_event) */
  GHashTable *starts;          /* julian day x 4096 + minute -> DTSTART line */
  GHashTable *ends;            /* the same for DTEND */
  GHashTable *summaries;       /* contacts -> SUMMARY line */
  GHashTable *alarms;          /* contacts -> VALARM text */
  GHashTable *dtstamps;        /* unix seconds -> DTSTAMP line */
  GHashTable *sequences;       /* sequence -> SEQUENCE line */
  GHashTable *block_lines;     /* contacts -> "This block: …" (ours) */
  GHashTable *day_lines;       /* day contacts -> "Today: …" (ours) */
  GString *event;              /* the event being written */
  GString *uid;
  GString *description;
};

/* What one feed's events share that changes from rep to rep. */
typedef struct {
  guint rep_index;
  const PdRep *rep;
  gint64 rep_contacts;
  char *rep_escaped;
  SliceIndex index;            /* the previous feed cut into events */
  GHashTable *parsed;          /* UID -> PreviousEvent*, when parsed whole */
  gint64 revision_time;
  gint64 cumulative;           /* of cumulative_text */
  char *cumulative_text;
  gint checkpoint;             /* of checkpoint_text, -1 when none yet */
  char *checkpoint_text;
} Feed;

static gboolean
check_rep (const PdCampaign *campaign, const PdSchedule *schedule, guint rep_index, GError **error)
{
  if (rep_index >= campaign->reps->len
      || schedule->rep_contacts == NULL || rep_index >= schedule->rep_contacts->len)
    {
      g_set_error (error, PD_ICS_ERROR, PD_ICS_ERROR_INVALID,
                   _("No rep number %u in campaign '%s'"), rep_index,
                   campaign->id != NULL ? campaign->id : "");
      return FALSE;
    }
  return TRUE;
}

PdIcsRenderer *
pd_ics_renderer_new (const PdCampaign *campaign, const PdSchedule *schedule, GError **error)
{
  g_autoptr (PdIcsRenderer) renderer = NULL;
  g_autoptr (GString) constant = g_string_new (NULL);
  guint n_reps;

  g_return_val_if_fail (campaign != NULL && schedule != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  renderer = g_new0 (PdIcsRenderer, 1);
  renderer->campaign = campaign;
  renderer->schedule = schedule;
  renderer->zone = campaign_zone (campaign, error);
  if (renderer->zone == NULL)
    return NULL;

  /* Schedules hold their blocks by rep: each rep's span is then exactly
   * its blocks, and rendering every rep reads the schedule once instead
   * of once per rep. Spans of any other order are still right (each
   * block in a span is checked), only longer. */
  n_reps = campaign->reps->len;
  renderer->spans = g_new0 (guint, 2 * (gsize) MAX (n_reps, 1));
  for (guint i = 0; i < schedule->blocks->len; i++)
    {
      guint rep_index = g_array_index (schedule->blocks, PdBlock, i).rep_index;

      if (rep_index >= n_reps)
        continue;
      if (renderer->spans[2 * rep_index + 1] == 0)
        renderer->spans[2 * rep_index] = i;
      renderer->spans[2 * rep_index + 1] = i + 1;
    }

  renderer->id_escaped = uid_escape (campaign->id);
  append_owned (constant, icalproperty_new_categories (PD_ICS_CATEGORY));
  append_owned (constant, icalproperty_new_transp (ICAL_TRANSP_OPAQUE));
  renderer->constant = g_string_free (g_steal_pointer (&constant), FALSE);
  renderer->scratch = icalcomponent_new (ICAL_VEVENT_COMPONENT);
  renderer->starts = text_cache_new ();
  renderer->ends = text_cache_new ();
  renderer->summaries = text_cache_new ();
  renderer->alarms = text_cache_new ();
  renderer->dtstamps = text_cache_new ();
  renderer->sequences = text_cache_new ();
  renderer->block_lines = text_cache_new ();
  renderer->day_lines = text_cache_new ();
  renderer->event = g_string_sized_new (1024);
  renderer->uid = g_string_sized_new (128);
  renderer->description = g_string_sized_new (256);
  return g_steal_pointer (&renderer);
}

void
pd_ics_renderer_free (PdIcsRenderer *renderer)
{
  if (renderer == NULL)
    return;
  g_free (renderer->spans);
  g_free (renderer->id_escaped);
  g_free (renderer->constant);
  g_clear_pointer (&renderer->scratch, icalcomponent_free);
  g_clear_pointer (&renderer->starts, g_hash_table_destroy);
  g_clear_pointer (&renderer->ends, g_hash_table_destroy);
  g_clear_pointer (&renderer->summaries, g_hash_table_destroy);
  g_clear_pointer (&renderer->alarms, g_hash_table_destroy);
  g_clear_pointer (&renderer->dtstamps, g_hash_table_destroy);
  g_clear_pointer (&renderer->sequences, g_hash_table_destroy);
  g_clear_pointer (&renderer->block_lines, g_hash_table_destroy);
  g_clear_pointer (&renderer->day_lines, g_hash_table_destroy);
  if (renderer->event != NULL)
    g_string_free (renderer->event, TRUE);
  if (renderer->uid != NULL)
    g_string_free (renderer->uid, TRUE);
  if (renderer->description != NULL)
    g_string_free (renderer->description, TRUE);
  g_free (renderer);
}

/* A count line of the DESCRIPTION, made once per distinct count. */
static const char *
count_line (GHashTable *cache, gint64 count, char *(*make) (gint64))
{
  const char *text = cached_text (cache, count);

  return text != NULL ? text : cache_text (cache, count, make (count), g_free);
}

/* The DESCRIPTION text, into renderer->description: the same text as the
 * lines joined one after the other, kept where they repeat. */
static void
description_build (PdIcsRenderer *renderer, Feed *feed, const PdBlock *block)
{
  GString *text = renderer->description;
  gint checkpoint;

  g_string_truncate (text, 0);
  g_string_append (text, count_line (renderer->block_lines, block->contacts, block_line));
  g_string_append_c (text, '\n');
  g_string_append (text, count_line (renderer->day_lines, block->day_contacts, day_line));
  g_string_append_c (text, '\n');
  if (feed->cumulative_text == NULL || feed->cumulative != block->cumulative)
    {
      g_free (feed->cumulative_text);
      feed->cumulative_text = cumulative_line (block->cumulative);
      feed->cumulative = block->cumulative;
    }
  g_string_append (text, feed->cumulative_text);

  checkpoint = next_checkpoint (renderer->campaign, &block->date);
  if (checkpoint < 0)
    return;
  if (feed->checkpoint_text == NULL || feed->checkpoint != checkpoint)
    {
      g_free (feed->checkpoint_text);
      feed->checkpoint_text = checkpoint_line (renderer->campaign, (guint) checkpoint, feed->rep_contacts);
      feed->checkpoint = checkpoint;
    }
  g_string_append_c (text, '\n');
  g_string_append (text, feed->checkpoint_text);
}

/* The DTSTART or DTEND line of a wall time, as libical writes it once per
 * distinct day and minute (a block ends on its day or the next). */
static const char *
time_line (PdIcsRenderer *renderer, icalproperty_kind kind, const GDate *date, guint minute)
{
  GHashTable *cache = kind == ICAL_DTSTART_PROPERTY ? renderer->starts : renderer->ends;
  gint64 key = (gint64) g_date_get_julian (date) * 4096 + minute; /* minute <= 2 x 1440 */
  const char *text = cached_text (cache, key);
  struct icaltimetype time;

  if (text != NULL)
    return text;
  time = local_time (renderer->zone->zone, date, minute);
  if (kind == ICAL_DTSTART_PROPERTY)
    icalcomponent_set_dtstart (renderer->scratch, time);
  else
    icalcomponent_set_dtend (renderer->scratch, time);
  return property_text (renderer->scratch, kind, cache, key);
}

/* One VEVENT, written as libical writes a VEVENT component: BEGIN, its
 * properties in the order they were added (UID, DTSTAMP, SEQUENCE,
 * DTSTART, DTEND, SUMMARY, DESCRIPTION, CATEGORIES, TRANSP), its VALARM,
 * END. UID and DESCRIPTION differ from one block to the next and are
 * serialized per event; the other lines once per distinct value.
 * `scratch` holds the event's properties, set by the same calls as a
 * fresh event's would be (PITFALLS 2: icalcomponent_set_dt* write the
 * TZID parameter); it holds DTSTART, DTEND and SUMMARY of this event only
 * when their line was not cached. */
static gboolean
render_event (PdIcsRenderer *renderer, Feed *feed, guint block_number, const PdBlock *scheduled,
              PdIcsWriteFunc write, gpointer user_data, GError **error)
{
  PdBlock copy = *scheduled; /* (see next_checkpoint()) */
  const PdBlock *block = &copy;
  const PdCampaign *campaign = renderer->campaign;
  icalcomponent *scratch = renderer->scratch;
  GString *event = renderer->event;
  const char *uid;
  const char *summary_line;
  const char *alarm_text;
  const char *stamp_line;
  const char *sequence_line;
  gint64 dtstamp = feed->revision_time;
  gint64 sequence = 0;
  gsize head_length;
  const PreviousSlice *slice = NULL;

  if (!g_date_valid (&block->date) || block->end_minute <= block->start_minute
      || block->end_minute > 2 * 24 * 60)
    {
      g_set_error (error, PD_ICS_ERROR, PD_ICS_ERROR_INVALID,
                   _("Invalid call block number %u of rep '%s'"), block_number, feed->rep->name);
      return FALSE;
    }

  g_string_truncate (renderer->uid, 0);
  uid_append (renderer->uid, &block->date, block->index, feed->rep_escaped, renderer->id_escaped);
  uid = renderer->uid->str;
  description_build (renderer, feed, block);
  icalcomponent_set_uid (scratch, uid);
  icalcomponent_set_description (scratch, renderer->description->str);

  summary_line = cached_text (renderer->summaries, block->contacts);
  alarm_text = cached_text (renderer->alarms, block->contacts);
  if (summary_line == NULL || alarm_text == NULL)
    {
      g_autofree char *summary = block_summary (block);
      g_autoptr (icalcomponent) alarm = alarm_new (summary, campaign->reminder_minutes);

      icalcomponent_set_summary (scratch, summary);
      summary_line = cache_text (renderer->summaries, block->contacts,
                                 icalproperty_as_ical_string_r (
                                   icalcomponent_get_first_property (scratch, ICAL_SUMMARY_PROPERTY)),
                                 icalmemory_free_buffer);
      alarm_text = cache_text (renderer->alarms, block->contacts, icalcomponent_as_ical_string_r (alarm),
                               icalmemory_free_buffer);
    }

  /* The event without its DTSTAMP and SEQUENCE lines: head, then body. */
  g_string_truncate (event, 0);
  g_string_append (event, "BEGIN:VEVENT\r\n");
  append_property_text (event, scratch, ICAL_UID_PROPERTY);
  head_length = event->len;
  g_string_append (event, time_line (renderer, ICAL_DTSTART_PROPERTY, &block->date, block->start_minute));
  g_string_append (event, time_line (renderer, ICAL_DTEND_PROPERTY, &block->date, block->end_minute));
  g_string_append (event, summary_line);
  append_property_text (event, scratch, ICAL_DESCRIPTION_PROPERTY);
  g_string_append (event, renderer->constant);
  g_string_append (event, alarm_text);
  g_string_append (event, "END:VEVENT\r\n");

  if (feed->parsed == NULL)
    slice = g_hash_table_lookup (feed->index.slices, uid);
  if (slice != NULL)
    {
      /* Unchanged when the previous text is head, DTSTAMP, SEQUENCE,
       * body, with those two lines as libical writes them. */
      const char *p = slice->text;
      gsize left = slice->length;
      gsize stamp_length, sequence_length;
      gint64 previous_stamp, previous_sequence;

      if (left > head_length && memcmp (p, event->str, head_length) == 0
          && (stamp_length = canonical_line (p + head_length, left - head_length, "DTSTAMP")) != 0
          && canonical_dtstamp (p + head_length, stamp_length, &previous_stamp)
          && (sequence_length = canonical_line (p + head_length + stamp_length,
                                                left - head_length - stamp_length, "SEQUENCE")) != 0
          && canonical_sequence (p + head_length + stamp_length, sequence_length, &previous_sequence)
          && left - head_length - stamp_length - sequence_length == event->len - head_length
          && memcmp (p + head_length + stamp_length + sequence_length, event->str + head_length,
                     event->len - head_length) == 0)
        return write (slice->text, slice->length, user_data, error);
    }

  /* Changed, new, or a previous event to read with libical. */
  {
    const PreviousEvent *before = NULL;
    PreviousEvent from_slice;
    g_autoptr (icalcomponent) previous_event = NULL;

    if (feed->parsed != NULL)
      before = g_hash_table_lookup (feed->parsed, uid);
    else if (slice != NULL && (previous_event = parse_event_slice (slice->text, slice->length)) != NULL)
      {
        icalproperty *stamp = icalcomponent_get_first_property (previous_event, ICAL_DTSTAMP_PROPERTY);
        const char *previous_uid = icalcomponent_get_uid (previous_event);

        if (stamp != NULL && previous_uid != NULL && strcmp (previous_uid, uid) == 0)
          {
            from_slice.sequence = icalcomponent_get_sequence (previous_event);
            from_slice.dtstamp = (gint64) icaltime_as_timet (icalproperty_get_dtstamp (stamp));
            event_fingerprint (previous_event, from_slice.fingerprint);
            before = &from_slice;
          }
      }
    if (before != NULL)
      {
        guint8 fingerprint[FINGERPRINT_SIZE];
        g_autofree char *summary = block_summary (block);
        icaltimezone *zone = renderer->zone->zone;

        /* The fingerprint reads `scratch`: set what the caches skipped. */
        icalcomponent_set_dtstart (scratch, local_time (zone, &block->date, block->start_minute));
        icalcomponent_set_dtend (scratch, local_time (zone, &block->date, block->end_minute));
        icalcomponent_set_summary (scratch, summary);
        event_fingerprint (scratch, fingerprint);
        if (memcmp (before->fingerprint, fingerprint, FINGERPRINT_SIZE) == 0)
          {
            dtstamp = before->dtstamp;
            sequence = before->sequence;
          }
        else
          sequence = MIN (before->sequence + 1, (gint64) G_MAXINT);
      }
  }

  if (cached_text (renderer->dtstamps, dtstamp) == NULL)
    icalcomponent_set_dtstamp (scratch, utc_time (dtstamp));
  if (cached_text (renderer->sequences, sequence) == NULL)
    icalcomponent_set_sequence (scratch, (int) sequence);
  stamp_line = property_text (scratch, ICAL_DTSTAMP_PROPERTY, renderer->dtstamps, dtstamp);
  sequence_line = property_text (scratch, ICAL_SEQUENCE_PROPERTY, renderer->sequences, sequence);
  return write (event->str, head_length, user_data, error)
         && write (stamp_line, strlen (stamp_line), user_data, error)
         && write (sequence_line, strlen (sequence_line), user_data, error)
         && write (event->str + head_length, event->len - head_length, user_data, error);
}

gboolean
pd_ics_renderer_render_to (PdIcsRenderer *renderer,
                           guint rep_index,
                           const char *previous_feed,
                           gint64 revision_time,
                           PdIcsWriteFunc write,
                           gpointer user_data,
                           GError **error)
{
  const PdCampaign *campaign;
  const PdSchedule *schedule;
  g_autoptr (icalcomponent) calendar = NULL;
  Feed feed = { 0 };
  char *header = NULL;
  const char *tail;
  gboolean ok = FALSE;

  g_return_val_if_fail (renderer != NULL && write != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  campaign = renderer->campaign;
  schedule = renderer->schedule;
  if (!check_rep (campaign, schedule, rep_index, error))
    return FALSE;
  feed.rep_index = rep_index;
  feed.rep = g_ptr_array_index (campaign->reps, rep_index);
  feed.rep_contacts = g_array_index (schedule->rep_contacts, gint64, rep_index);
  feed.rep_escaped = uid_escape (feed.rep->name);
  feed.revision_time = revision_time;
  feed.checkpoint = -1;

  feed.index.slices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (previous_feed != NULL && g_str_has_prefix (previous_feed, "BEGIN:VCALENDAR"))
    {
      guint unterminated;

      foreach_slice (previous_feed, index_slice, &feed.index, &unterminated, NULL);
    }
  if (feed.index.irregular)
    {
      /* Parse the whole previous feed, as regeneration always did. */
      g_hash_table_remove_all (feed.index.slices);
      feed.parsed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      foreach_event (previous_feed, FALSE, remember_event, feed.parsed, NULL);
    }

  /* The VCALENDAR without children serializes as its header and
   * "END:VCALENDAR\r\n": children go in between. */
  calendar = calendar_new (campaign, feed.rep);
  header = icalcomponent_as_ical_string_r (calendar);
  tail = header != NULL ? g_strrstr (header, "END:VCALENDAR") : NULL;
  if (tail == NULL)
    {
      g_set_error (error, PD_ICS_ERROR, PD_ICS_ERROR_INVALID,
                   _("libical could not write the calendar (libical: %s)"), ical_error_text ());
      goto out;
    }
  g_string_truncate (renderer->event, 0);
  g_string_append_len (renderer->event, header, tail - header);
  g_string_append (renderer->event, renderer->zone->text != NULL ? renderer->zone->text : "");
  if (!write (renderer->event->str, renderer->event->len, user_data, error))
    goto out;

  for (guint i = renderer->spans[2 * rep_index]; i < renderer->spans[2 * rep_index + 1]; i++)
    {
      const PdBlock *block = &g_array_index (schedule->blocks, PdBlock, i);

      if (block->rep_index == rep_index
          && !render_event (renderer, &feed, i, block, write, user_data, error))
        goto out;
    }

  ok = write (tail, strlen (tail), user_data, error);

out:
  icalmemory_free_buffer (header);
  g_hash_table_destroy (feed.index.slices);
  g_clear_pointer (&feed.parsed, g_hash_table_destroy);
  g_free (feed.rep_escaped);
  g_free (feed.cumulative_text);
  g_free (feed.checkpoint_text);
  return ok;
}

gboolean
pd_ics_render_to (const PdCampaign *campaign,
                  const PdSchedule *schedule,
                  guint rep_index,
                  const char *previous_feed,
                  gint64 revision_time,
                  PdIcsWriteFunc write,
                  gpointer user_data,
                  GError **error)
{
  g_autoptr (PdIcsRenderer) renderer = NULL;

  g_return_val_if_fail (campaign != NULL && schedule != NULL && write != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* A rep out of range is reported before an unknown zone, as always. */
  if (!check_rep (campaign, schedule, rep_index, error))
    return FALSE;
  renderer = pd_ics_renderer_new (campaign, schedule, error);
  return renderer != NULL
         && pd_ics_renderer_render_to (renderer, rep_index, previous_feed, revision_time,
                                       write, user_data, error);
}

static gboolean
append_to_string (const char *data, gsize length, gpointer user_data, GError **error)
{
  (void) error;
  g_string_append_len (user_data, data, (gssize) length);
  return TRUE;
}

char *
pd_ics_render (const PdCampaign *campaign,
               const PdSchedule *schedule,
               guint rep_index,
               const char *previous_feed,
               gint64 revision_time,
               GError **error)
{
  GString *out = g_string_sized_new (4096);

  g_return_val_if_fail (campaign != NULL && schedule != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!pd_ics_render_to (campaign, schedule, rep_index, previous_feed, revision_time,
                         append_to_string, out, error))
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

void
pd_ics_shutdown (void)
{
  g_mutex_lock (&zones_lock);
  g_clear_pointer (&zones, g_ptr_array_unref);
  g_mutex_unlock (&zones_lock);
  icaltimezone_free_builtin_timezones ();
}
