/* SPDX-License-Identifier: MIT
 *
 * ics: call blocks to iCalendar text and back, through libical.
 *
 * The feed is never one tree: the VCALENDAR's own properties, the
 * VTIMEZONE and each VEVENT are serialized one component at a time into a
 * GString, so a 500 000-event feed costs one event's tree at a time.
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

/* PITFALLS 1: the VTIMEZONE of a zone of our own, whose TZID is the plain
 * IANA name and which covers only the campaign's years. Built from a
 * clone of libical's built-in component, truncated with ms_compatible = 1
 * (one STANDARD and one DAYLIGHT with an RRULE, which Outlook wants), TZID
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
  icaltimezone_truncate_vtimezone (vtimezone, utc_midnight_of_january_first (first_year),
                                   utc_midnight_of_january_first (last_year + 1), 1);
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

  icalerrno = ICAL_NO_ERROR;
  vtimezone = icalparser_parse_string (text);
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

static char *
block_description (const PdCampaign *campaign,
                   const PdBlock *block,
                   gint64 rep_contacts)
{
  g_autofree char *block_count = count_text (block->contacts);
  g_autofree char *day_count = count_text (block->day_contacts);
  g_autofree char *cumulative = count_text (block->cumulative);
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, ngettext ("This block: %s contact",
                                          "This block: %s contacts",
                                          plural_of (block->contacts)),
                          block_count);
  g_string_append_c (text, '\n');
  g_string_append_printf (text, ngettext ("Today: %s contact",
                                          "Today: %s contacts",
                                          plural_of (block->day_contacts)),
                          day_count);
  g_string_append_c (text, '\n');
  g_string_append_printf (text, ngettext ("Cumulative target by the end of the day: %s contact",
                                          "Cumulative target by the end of the day: %s contacts",
                                          plural_of (block->cumulative)),
                          cumulative);

  for (guint k = 0; campaign->checkpoints != NULL && k < campaign->checkpoints->len; k++)
    {
      const PdCheckpoint *checkpoint = &g_array_index (campaign->checkpoints, PdCheckpoint, k);
      gint64 target;
      g_autofree char *target_count = NULL;
      g_autofree char *date = NULL;

      if (g_date_compare (&checkpoint->date, &block->date) < 0)
        continue;
      target = pd_schedule_checkpoint_target (campaign, k, rep_contacts);
      target_count = count_text (target);
      date = pd_format_date (&checkpoint->date);
      g_string_append_c (text, '\n');
      g_string_append_printf (text, ngettext ("Next checkpoint: %s, %s contact cumulative",
                                              "Next checkpoint: %s, %s contacts cumulative",
                                              plural_of (target)),
                              date, target_count);
      break;
    }
  return g_string_free (text, FALSE);
}

static char *
uid_build (const GDate *date, guint index, const char *rep_escaped, const char *id_escaped)
{
  return g_strdup_printf ("%04u%02u%02u-%u-%s@%s." PD_ICS_UID_DOMAIN,
                          (guint) g_date_get_year (date),
                          (guint) g_date_get_month (date),
                          (guint) g_date_get_day (date),
                          index, rep_escaped, id_escaped);
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

  g_return_val_if_fail (campaign != NULL && block != NULL, NULL);
  g_return_val_if_fail (block->rep_index < campaign->reps->len, NULL);
  g_return_val_if_fail (g_date_valid (&block->date), NULL);

  rep = g_ptr_array_index (campaign->reps, block->rep_index);
  rep_escaped = uid_escape (rep->name);
  id_escaped = uid_escape (campaign->id);
  return uid_build (&block->date, block->index, rep_escaped, id_escaped);
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

/* A VEVENT's text through icalparser, or NULL when libical cannot read it
 * (unparseable, not a VEVENT, or a property in error). */
static icalcomponent *
parse_event_slice (const char *slice, gsize length)
{
  g_autofree char *copy = g_strndup (slice, length);
  icalcomponent *event;

  icalerrno = ICAL_NO_ERROR;
  event = icalparser_parse_string (copy);
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

  icalerrno = ICAL_NO_ERROR;
  event = icalparser_parse_string (copy);
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
 * its VTIMEZONE text. Freed by pd_ics_shutdown(). */
static struct {
  char *key;
  icaltimezone *zone;
  char *text;
} zone_cache;

static void
zone_cache_clear (void)
{
  g_clear_pointer (&zone_cache.key, g_free);
  g_clear_pointer (&zone_cache.zone, zone_free);
  g_clear_pointer (&zone_cache.text, g_free);
}

static icaltimezone *
campaign_zone (const PdCampaign *campaign, const char **ret_text, GError **error)
{
  g_autofree char *key = g_strdup_printf ("%s|%d|%d", campaign->timezone != NULL ? campaign->timezone : "",
                                          (int) g_date_get_year (&campaign->start),
                                          (int) g_date_get_year (&campaign->end));
  icaltimezone *zone;
  char *text = NULL;

  if (zone_cache.key == NULL || strcmp (zone_cache.key, key) != 0)
    {
      zone = campaign_zone_new (campaign, &text, error);
      if (zone == NULL)
        return NULL;
      zone_cache_clear ();
      zone_cache.key = g_steal_pointer (&key);
      zone_cache.zone = zone;
      zone_cache.text = text;
    }
  *ret_text = zone_cache.text;
  return zone_cache.zone;
}

typedef struct {
  PdIcsWriteFunc write;
  gpointer user_data;
} Sink;

/* A serialized property or component, cached by a number (contacts, a
 * sequence, a time stamp): libical still writes each distinct text once. */
static const char *
cached_text (GHashTable *cache, gint64 key)
{
  return g_hash_table_lookup (cache, &key);
}

static const char *
cache_text (GHashTable *cache, gint64 key, char *text)
{
  gint64 *stored_key = g_new (gint64, 1);

  *stored_key = key;
  g_hash_table_insert (cache, stored_key, text);
  return text;
}

static const char *
property_text (icalcomponent *event, icalproperty_kind kind, GHashTable *cache, gint64 key)
{
  const char *text = cached_text (cache, key);

  if (text == NULL)
    text = cache_text (cache, key,
                       icalproperty_as_ical_string_r (icalcomponent_get_first_property (event, kind)));
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
  const PdRep *rep;
  gint64 rep_contacts;
  icaltimezone *zone;
  const char *vtimezone_text = NULL;
  g_autoptr (icalcomponent) calendar = NULL;
  g_autoptr (icalcomponent) scratch = NULL;
  g_autoptr (GHashTable) parsed = NULL;
  g_autoptr (GHashTable) summaries = NULL;
  g_autoptr (GHashTable) alarms = NULL;
  g_autoptr (GHashTable) dtstamps = NULL;
  g_autoptr (GHashTable) sequences = NULL;
  g_autoptr (GString) constant = g_string_new (NULL);
  g_autoptr (GString) event = g_string_sized_new (1024);
  g_autofree char *rep_escaped = NULL;
  g_autofree char *id_escaped = NULL;
  SliceIndex index = { NULL, FALSE };
  char *header;
  const char *tail;
  gboolean ok = FALSE;

  g_return_val_if_fail (campaign != NULL && schedule != NULL && write != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (rep_index >= campaign->reps->len
      || schedule->rep_contacts == NULL || rep_index >= schedule->rep_contacts->len)
    {
      g_set_error (error, PD_ICS_ERROR, PD_ICS_ERROR_INVALID,
                   _("No rep number %u in campaign '%s'"), rep_index,
                   campaign->id != NULL ? campaign->id : "");
      return FALSE;
    }
  rep = g_ptr_array_index (campaign->reps, rep_index);
  rep_contacts = g_array_index (schedule->rep_contacts, gint64, rep_index);

  zone = campaign_zone (campaign, &vtimezone_text, error);
  if (zone == NULL)
    return FALSE;

  index.slices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (previous_feed != NULL && g_str_has_prefix (previous_feed, "BEGIN:VCALENDAR"))
    {
      guint unterminated;

      foreach_slice (previous_feed, index_slice, &index, &unterminated, NULL);
    }
  if (index.irregular)
    {
      /* Parse the whole previous feed, as regeneration always did. */
      g_hash_table_remove_all (index.slices);
      parsed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      foreach_event (previous_feed, FALSE, remember_event, parsed, NULL);
    }

  summaries = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, icalmemory_free_buffer);
  alarms = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, icalmemory_free_buffer);
  dtstamps = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, icalmemory_free_buffer);
  sequences = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, icalmemory_free_buffer);

  rep_escaped = uid_escape (rep->name);
  id_escaped = uid_escape (campaign->id);

  /* The VCALENDAR without children serializes as its header and
   * "END:VCALENDAR\r\n": children go in between. */
  calendar = calendar_new (campaign, rep);
  header = icalcomponent_as_ical_string_r (calendar);
  tail = header != NULL ? g_strrstr (header, "END:VCALENDAR") : NULL;
  if (tail == NULL)
    {
      g_set_error (error, PD_ICS_ERROR, PD_ICS_ERROR_INVALID,
                   _("libical could not write the calendar (libical: %s)"), ical_error_text ());
      goto out;
    }
  g_string_append_len (event, header, tail - header);
  g_string_append (event, vtimezone_text);
  if (!write (event->str, event->len, user_data, error))
    goto out;

  /* An event is written as libical writes a VEVENT component: BEGIN, its
   * properties in the order they were added, its VALARM, END. UID,
   * DTSTART, DTEND and DESCRIPTION differ from one block to the next; the
   * other lines are written once per distinct value. `scratch` holds the
   * event's properties, set by the same calls as a fresh event would be
   * (PITFALLS 2: icalcomponent_set_dt* write the TZID parameter). */
  append_owned (constant, icalproperty_new_categories (PD_ICS_CATEGORY));
  append_owned (constant, icalproperty_new_transp (ICAL_TRANSP_OPAQUE));
  scratch = icalcomponent_new (ICAL_VEVENT_COMPONENT);

  for (guint i = 0; i < schedule->blocks->len; i++)
    {
      const PdBlock *block = &g_array_index (schedule->blocks, PdBlock, i);
      g_autofree char *uid = NULL;
      g_autofree char *description = NULL;
      const char *summary_line;
      const char *alarm_text;
      gint64 dtstamp = revision_time;
      gint64 sequence = 0;
      gsize head_length;
      gsize body_start;
      const PreviousSlice *slice = NULL;

      if (block->rep_index != rep_index)
        continue;
      if (!g_date_valid (&block->date) || block->end_minute <= block->start_minute
          || block->end_minute > 2 * 24 * 60)
        {
          g_set_error (error, PD_ICS_ERROR, PD_ICS_ERROR_INVALID,
                       _("Invalid call block number %u of rep '%s'"), i, rep->name);
          goto out;
        }

      uid = uid_build (&block->date, block->index, rep_escaped, id_escaped);
      description = block_description (campaign, block, rep_contacts);

      icalcomponent_set_uid (scratch, uid);
      icalcomponent_set_dtstart (scratch, local_time (zone, &block->date, block->start_minute));
      icalcomponent_set_dtend (scratch, local_time (zone, &block->date, block->end_minute));
      icalcomponent_set_description (scratch, description);
      summary_line = cached_text (summaries, block->contacts);
      alarm_text = cached_text (alarms, block->contacts);
      if (summary_line == NULL)
        {
          g_autofree char *summary = block_summary (block);
          g_autoptr (icalcomponent) alarm = alarm_new (summary, campaign->reminder_minutes);

          icalcomponent_set_summary (scratch, summary);
          summary_line = property_text (scratch, ICAL_SUMMARY_PROPERTY, summaries, block->contacts);
          alarm_text = cache_text (alarms, block->contacts, icalcomponent_as_ical_string_r (alarm));
        }

      /* The event without its DTSTAMP and SEQUENCE lines: head | body. */
      g_string_truncate (event, 0);
      g_string_append (event, "BEGIN:VEVENT\r\n");
      append_property_text (event, scratch, ICAL_UID_PROPERTY);
      head_length = event->len;
      append_property_text (event, scratch, ICAL_DTSTART_PROPERTY);
      append_property_text (event, scratch, ICAL_DTEND_PROPERTY);
      g_string_append (event, summary_line);
      append_property_text (event, scratch, ICAL_DESCRIPTION_PROPERTY);
      g_string_append_len (event, constant->str, (gssize) constant->len);
      g_string_append (event, alarm_text);
      g_string_append (event, "END:VEVENT\r\n");
      body_start = head_length;

      if (parsed == NULL)
        slice = g_hash_table_lookup (index.slices, uid);
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
              && left - head_length - stamp_length - sequence_length == event->len - body_start
              && memcmp (p + head_length + stamp_length + sequence_length, event->str + body_start,
                         event->len - body_start) == 0)
            {
              if (!write (slice->text, slice->length, user_data, error))
                goto out;
              continue;
            }
        }

      /* Changed, new, or a previous event to read with libical. */
      {
        const PreviousEvent *before = NULL;
        PreviousEvent from_slice;
        g_autoptr (icalcomponent) previous_event = NULL;

        if (parsed != NULL)
          before = g_hash_table_lookup (parsed, uid);
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

            /* SUMMARY is set on `scratch` only when not cached. */
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

      if (cached_text (dtstamps, dtstamp) == NULL)
        icalcomponent_set_dtstamp (scratch, utc_time (dtstamp));
      if (cached_text (sequences, sequence) == NULL)
        icalcomponent_set_sequence (scratch, (int) sequence);
      if (!write (event->str, head_length, user_data, error))
        goto out;
      {
        const char *stamp_line = property_text (scratch, ICAL_DTSTAMP_PROPERTY, dtstamps, dtstamp);
        const char *sequence_line = property_text (scratch, ICAL_SEQUENCE_PROPERTY, sequences, sequence);

        if (!write (stamp_line, strlen (stamp_line), user_data, error)
            || !write (sequence_line, strlen (sequence_line), user_data, error)
            || !write (event->str + body_start, event->len - body_start, user_data, error))
          goto out;
      }
    }

  ok = write (tail, strlen (tail), user_data, error);

out:
  icalmemory_free_buffer (header);
  g_hash_table_destroy (index.slices);
  return ok;
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
  zone_cache_clear ();
  icaltimezone_free_builtin_timezones ();
}
