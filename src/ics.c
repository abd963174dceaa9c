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

/* Appends a serialized component and frees libical's buffer. */
static void
append_component (GString *out, icalcomponent *component)
{
  char *text = icalcomponent_as_ical_string_r (component);

  if (text != NULL)
    g_string_append (out, text);
  icalmemory_free_buffer (text);
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

/* PITFALLS 1: a zone of our own whose TZID is the plain IANA name and whose
 * VTIMEZONE covers only the campaign's years. Built from a clone of
 * libical's built-in component, truncated with ms_compatible = 1 (one
 * STANDARD and one DAYLIGHT with an RRULE, which Outlook wants), TZID set,
 * X-LIC-LOCATION dropped. The zone owns the component. */
static icaltimezone *
campaign_zone_new (const PdCampaign *campaign, GError **error)
{
  const char *name = campaign->timezone;
  icaltimezone *builtin;
  icalcomponent *component;
  icalproperty *tzid;
  g_autoptr (icalcomponent) vtimezone = NULL;
  g_autoptr (icaltimezone) zone = NULL;

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
  icaltimezone_truncate_vtimezone (vtimezone,
                                   utc_midnight_of_january_first (g_date_get_year (&campaign->start)),
                                   utc_midnight_of_january_first (g_date_get_year (&campaign->end) + 1),
                                   1);
  tzid = icalcomponent_get_first_property (vtimezone, ICAL_TZID_PROPERTY);
  if (tzid != NULL)
    icalproperty_set_tzid (tzid, name);
  else
    icalcomponent_add_property (vtimezone, icalproperty_new_tzid (name));
  remove_lic_location (vtimezone);

  zone = icaltimezone_new ();
  icalerrno = ICAL_NO_ERROR;
  if (!icaltimezone_set_component (zone, vtimezone))
    {
      g_set_error (error, PD_ICS_ERROR, PD_ICS_ERROR_ZONE,
                   _("Cannot build the time zone: '%s' (libical: %s)"),
                   name, ical_error_text ());
      return NULL;
    }
  g_steal_pointer (&vtimezone); /* the zone owns it now */
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
      char date[16];

      if (g_date_compare (&checkpoint->date, &block->date) < 0)
        continue;
      target = pd_schedule_checkpoint_target (campaign, k, rep_contacts);
      target_count = count_text (target);
      g_snprintf (date, sizeof date, "%04u-%02u-%02u",
                  (guint) g_date_get_year (&checkpoint->date),
                  (guint) g_date_get_month (&checkpoint->date),
                  (guint) g_date_get_day (&checkpoint->date));
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

static gboolean
foreach_event (const char *text, gboolean strict, EventFunc func, gpointer user_data, GError **error)
{
  const char *line = text;
  const char *event_start = NULL;
  guint line_number = 0;
  guint event_line = 0;

  if (!g_str_has_prefix (text, "BEGIN:VCALENDAR"))
    {
      if (!strict)
        return TRUE;
      g_set_error (error, PD_ICS_ERROR, PD_ICS_ERROR_PARSE,
                   _("Not an iCalendar feed: it does not start with BEGIN:VCALENDAR"));
      return FALSE;
    }

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
          g_autofree char *slice = g_strndup (event_start, (gsize) (next - event_start));
          g_autoptr (icalcomponent) event = NULL;
          int errors;

          icalerrno = ICAL_NO_ERROR;
          event = icalparser_parse_string (slice);
          errors = event != NULL ? icalcomponent_count_errors (event) : 0;
          event_start = NULL;

          if (event == NULL || icalcomponent_isa (event) != ICAL_VEVENT_COMPONENT || errors > 0)
            {
              if (!strict)
                goto next_line;
              g_set_error (error, PD_ICS_ERROR, PD_ICS_ERROR_PARSE,
                           _("Unreadable event at line %u (libical: %s)"),
                           event_line,
                           errors > 0 ? _("a property does not parse") : ical_error_text ());
              return FALSE;
            }
          if (!func (event, user_data, error))
            {
              if (error != NULL && *error != NULL)
                g_prefix_error (error, _("Event at line %u: "), event_line);
              return FALSE;
            }
        }
    next_line:
      line = next;
    }

  if (event_start != NULL && strict)
    {
      g_set_error (error, PD_ICS_ERROR, PD_ICS_ERROR_PARSE,
                   _("Unterminated event at line %u"), event_line);
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

char *
pd_ics_render (const PdCampaign *campaign,
               const PdSchedule *schedule,
               guint rep_index,
               const char *previous_feed,
               gint64 revision_time,
               GError **error)
{
  const PdRep *rep;
  gint64 rep_contacts;
  g_autoptr (icaltimezone) zone = NULL;
  g_autoptr (icalcomponent) calendar = NULL;
  g_autoptr (GHashTable) previous = NULL;
  g_autofree char *rep_escaped = NULL;
  g_autofree char *id_escaped = NULL;
  char *header;
  const char *tail;
  GString *out;

  g_return_val_if_fail (campaign != NULL && schedule != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (rep_index >= campaign->reps->len
      || schedule->rep_contacts == NULL || rep_index >= schedule->rep_contacts->len)
    {
      g_set_error (error, PD_ICS_ERROR, PD_ICS_ERROR_INVALID,
                   _("No rep number %u in campaign '%s'"), rep_index,
                   campaign->id != NULL ? campaign->id : "");
      return NULL;
    }
  rep = g_ptr_array_index (campaign->reps, rep_index);
  rep_contacts = g_array_index (schedule->rep_contacts, gint64, rep_index);

  zone = campaign_zone_new (campaign, error);
  if (zone == NULL)
    return NULL;

  previous = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (previous_feed != NULL)
    foreach_event (previous_feed, FALSE, remember_event, previous, NULL);

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
      icalmemory_free_buffer (header);
      return NULL;
    }
  out = g_string_sized_new (4096);
  g_string_append_len (out, header, tail - header);
  append_component (out, icaltimezone_get_component (zone));

  for (guint i = 0; i < schedule->blocks->len; i++)
    {
      const PdBlock *block = &g_array_index (schedule->blocks, PdBlock, i);
      g_autoptr (icalcomponent) event = NULL;
      g_autofree char *uid = NULL;
      g_autofree char *summary = NULL;
      g_autofree char *description = NULL;
      guint8 fingerprint[FINGERPRINT_SIZE];
      const PreviousEvent *before;

      if (block->rep_index != rep_index)
        continue;
      if (!g_date_valid (&block->date) || block->end_minute <= block->start_minute
          || block->end_minute > 2 * 24 * 60)
        {
          g_set_error (error, PD_ICS_ERROR, PD_ICS_ERROR_INVALID,
                       _("Invalid call block number %u of rep '%s'"), i, rep->name);
          g_string_free (out, TRUE);
          icalmemory_free_buffer (header);
          return NULL;
        }

      uid = uid_build (&block->date, block->index, rep_escaped, id_escaped);
      summary = block_summary (block);
      description = block_description (campaign, block, rep_contacts);

      /* DTSTAMP and SEQUENCE first, so they sit next to UID, then set
       * for good once the fingerprint is known. PITFALLS 2: the
       * icalcomponent_set_dt* calls write the TZID parameter. */
      event = icalcomponent_new (ICAL_VEVENT_COMPONENT);
      icalcomponent_set_uid (event, uid);
      icalcomponent_set_dtstamp (event, utc_time (revision_time));
      icalcomponent_set_sequence (event, 0);
      icalcomponent_set_dtstart (event, local_time (zone, &block->date, block->start_minute));
      icalcomponent_set_dtend (event, local_time (zone, &block->date, block->end_minute));
      icalcomponent_set_summary (event, summary);
      icalcomponent_set_description (event, description);
      icalcomponent_add_property (event, icalproperty_new_categories (PD_ICS_CATEGORY));
      icalcomponent_add_property (event, icalproperty_new_transp (ICAL_TRANSP_OPAQUE));
      icalcomponent_add_component (event, alarm_new (summary, campaign->reminder_minutes));

      event_fingerprint (event, fingerprint);
      before = g_hash_table_lookup (previous, uid);
      if (before != NULL && memcmp (before->fingerprint, fingerprint, FINGERPRINT_SIZE) == 0)
        {
          icalcomponent_set_dtstamp (event, utc_time (before->dtstamp));
          icalcomponent_set_sequence (event, (int) before->sequence);
        }
      else if (before != NULL)
        icalcomponent_set_sequence (event, (int) MIN (before->sequence + 1, (gint64) G_MAXINT));

      append_component (out, event);
    }

  g_string_append (out, tail);
  icalmemory_free_buffer (header);
  return g_string_free (out, FALSE);
}

void
pd_ics_shutdown (void)
{
  icaltimezone_free_builtin_timezones ();
}
