/* SPDX-License-Identifier: MIT
 *
 * ics-read: feeds read back. The text is cut at its BEGIN:VEVENT and
 * END:VEVENT lines and each slice goes through icalparser on its own, so
 * that a feed costs one event at a time. The previous feed of a
 * regeneration is first only cut into events and indexed by UID: each
 * event is compared as text with the one about to be written (byte for
 * byte but for its DTSTAMP and SEQUENCE lines, in libical's canonical
 * form), and only an event that differs goes through icalparser and the
 * fingerprint comparison, so the outcome is the same as parsing
 * everything.
 */
#define G_LOG_DOMAIN "prospectd-ics"

#include "ics-libical.h"

#include <glib/gi18n.h>
#include <string.h>

/* What decides whether an event "changed": DTSTART and DTEND (TZID and
 * wall time), SUMMARY and DESCRIPTION, each as libical writes it, so that a
 * freshly built event and one parsed back compare equal. */
void
pd_ics_event_fingerprint (icalcomponent *event, guint8 digest[PD_ICS_FINGERPRINT_SIZE])
{
  static const icalproperty_kind kinds[] = {
    ICAL_DTSTART_PROPERTY, ICAL_DTEND_PROPERTY,
    ICAL_SUMMARY_PROPERTY, ICAL_DESCRIPTION_PROPERTY,
  };
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize size = PD_ICS_FINGERPRINT_SIZE;

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

  event = pd_ics_parse_string (copy);
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

  event = pd_ics_parse_string (copy);
  errors = event != NULL ? icalcomponent_count_errors (event) : 0;

  if (event == NULL || icalcomponent_isa (event) != ICAL_VEVENT_COMPONENT || errors > 0)
    {
      if (!parse->strict)
        return TRUE;
      g_set_error (error, PD_ICS_ERROR, PD_ICS_ERROR_PARSE,
                   _("Unreadable event at line %u (libical: %s)"),
                   line,
                   errors > 0 ? _("a property does not parse") : pd_ics_ical_error_text ());
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

static gboolean
remember_event (icalcomponent *component, gpointer user_data, GError **error)
{
  GHashTable *previous = user_data;
  icalproperty *dtstamp = icalcomponent_get_first_property (component, ICAL_DTSTAMP_PROPERTY);
  const char *uid = icalcomponent_get_uid (component);
  PdIcsPreviousEvent *event;

  (void) error;
  if (uid == NULL || *uid == '\0' || dtstamp == NULL)
    return TRUE; /* unusable: the block will be "new" */
  event = g_new0 (PdIcsPreviousEvent, 1);
  event->sequence = icalcomponent_get_sequence (component);
  event->dtstamp = (gint64) icaltime_as_timet (icalproperty_get_dtstamp (dtstamp));
  pd_ics_event_fingerprint (component, event->fingerprint);
  g_hash_table_replace (previous, g_strdup (uid), event);
  return TRUE;
}

/* ------------------------------------------------------ the previous feed */

typedef struct {
  const char *text;   /* into the previous feed */
  gsize length;
} PreviousSlice;

typedef struct {
  GHashTable *slices; /* UID (owned) -> PreviousSlice* (owned) */
  gboolean irregular; /* some UID is not plain: parse the whole feed */
} SliceIndex;

struct _PdIcsPrevious {
  SliceIndex index;   /* the feed cut into events */
  GHashTable *parsed; /* UID -> PdIcsPreviousEvent*, when parsed whole */
};

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

PdIcsPrevious *
pd_ics_previous_new (const char *text)
{
  PdIcsPrevious *previous = g_new0 (PdIcsPrevious, 1);

  previous->index.slices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (text != NULL && g_str_has_prefix (text, "BEGIN:VCALENDAR"))
    {
      guint unterminated;

      foreach_slice (text, index_slice, &previous->index, &unterminated, NULL);
    }
  if (previous->index.irregular)
    {
      /* Parse the whole previous feed, as regeneration always did. */
      g_hash_table_remove_all (previous->index.slices);
      previous->parsed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      foreach_event (text, FALSE, remember_event, previous->parsed, NULL);
    }
  return previous;
}

void
pd_ics_previous_free (PdIcsPrevious *previous)
{
  if (previous == NULL)
    return;
  g_hash_table_destroy (previous->index.slices);
  g_clear_pointer (&previous->parsed, g_hash_table_destroy);
  g_free (previous);
}

const char *
pd_ics_previous_text (const PdIcsPrevious *previous, const char *uid, gsize *ret_length)
{
  const PreviousSlice *slice;

  if (previous->parsed != NULL || (slice = g_hash_table_lookup (previous->index.slices, uid)) == NULL)
    return NULL;
  *ret_length = slice->length;
  return slice->text;
}

gboolean
pd_ics_previous_unchanged (const char *text, gsize length,
                           const char *event, gsize event_length, gsize head_length)
{
  /* Unchanged when the previous text is head, DTSTAMP, SEQUENCE, body,
   * with those two lines as libical writes them. */
  const char *p = text;
  gsize left = length;
  gsize stamp_length, sequence_length;
  gint64 previous_stamp, previous_sequence;

  return left > head_length && memcmp (p, event, head_length) == 0
         && (stamp_length = canonical_line (p + head_length, left - head_length, "DTSTAMP")) != 0
         && canonical_dtstamp (p + head_length, stamp_length, &previous_stamp)
         && (sequence_length = canonical_line (p + head_length + stamp_length,
                                               left - head_length - stamp_length, "SEQUENCE")) != 0
         && canonical_sequence (p + head_length + stamp_length, sequence_length, &previous_sequence)
         && left - head_length - stamp_length - sequence_length == event_length - head_length
         && memcmp (p + head_length + stamp_length + sequence_length, event + head_length,
                    event_length - head_length) == 0;
}

gboolean
pd_ics_previous_event (const PdIcsPrevious *previous, const char *uid,
                       const char *text, gsize length, PdIcsPreviousEvent *ret_event)
{
  g_autoptr (icalcomponent) event = NULL;
  icalproperty *stamp;
  const char *previous_uid;

  if (previous->parsed != NULL)
    {
      const PdIcsPreviousEvent *found = g_hash_table_lookup (previous->parsed, uid);

      if (found == NULL)
        return FALSE;
      *ret_event = *found;
      return TRUE;
    }
  if (text == NULL || (event = parse_event_slice (text, length)) == NULL)
    return FALSE;
  stamp = icalcomponent_get_first_property (event, ICAL_DTSTAMP_PROPERTY);
  previous_uid = icalcomponent_get_uid (event);
  if (stamp == NULL || previous_uid == NULL || strcmp (previous_uid, uid) != 0)
    return FALSE;
  ret_event->sequence = icalcomponent_get_sequence (event);
  ret_event->dtstamp = (gint64) icaltime_as_timet (icalproperty_get_dtstamp (stamp));
  pd_ics_event_fingerprint (event, ret_event->fingerprint);
  return TRUE;
}
