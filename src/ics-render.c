/* SPDX-License-Identifier: MIT
 *
 * ics-render: call blocks to iCalendar text, through libical.
 *
 * The feed is never one tree: the VCALENDAR's own properties, the
 * VTIMEZONE and each VEVENT are serialized by libical one component or
 * property at a time and streamed to the caller, so a 500 000-event feed
 * costs one event at a time. A PdIcsRenderer keeps libical's text of the
 * values that repeat from event to event and from feed to feed (times,
 * summaries, alarms, stamps), so that only what is unique to an event —
 * its UID and DESCRIPTION — is serialized per event. An event of the
 * previous feed that is what would be written now is copied as it is
 * (ics-read.h says how it is told).
 */
#define G_LOG_DOMAIN "prospectd-ics"

#include "ics-libical.h"
#include "prospectd/format.h"
#include "prospectd/ics-render.h"
#include "prospectd/language.h"

#include <glib/gi18n.h>
#include <string.h>

#ifndef PD_VERSION
#define PD_VERSION "0.1"
#endif

#define PD_ICS_REFRESH "PT1H"
#define PD_ICS_CATEGORY "Prospecting" /* a filter key: not translated */
#define PD_ICS_UID_DOMAIN "prospectd"

/* ------------------------------------------------------------ building */

/* An X- property with a TEXT value escaped by libical.
 *
 * docs/pitfalls.md 6: libical 3.0.16 leaves ',' and ';' unescaped in any value
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

/* A wall-clock time on `date` in `zone`, never converted (docs/pitfalls.md 3, 8):
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

/* ------------------------------------------------------------- wording */

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

/* The translated words of a list's lines, looked up once a list. */
typedef struct {
  const char *no_phone;
  const char *reasons[PD_CALL_NEW + 1];
} CallWords;

static void
call_words_init (CallWords *words)
{
  words->no_phone = _("no phone");
  for (guint r = 0; r < G_N_ELEMENTS (words->reasons); r++)
    words->reasons[r] = pd_call_reason_text ((PdCallReason) r);
}

/* One call: company — contact — tel:+33123456789 — why. The phone is a
 * tel: URI (RFC 3966) a phone or softphone dials. */
static void
append_call_line (GString *text, const PdCallLine *line, const CallWords *words)
{
  g_string_append (text, line->company != NULL ? line->company : "");
  if (line->contact != NULL && line->contact[0] != '\0')
    {
      g_string_append (text, " — ");
      g_string_append (text, line->contact);
    }
  g_string_append (text, " — ");
  if (line->phone != NULL && line->phone[0] != '\0')
    {
      g_string_append (text, "tel:");
      g_string_append (text, line->phone);
    }
  else
    g_string_append (text, words->no_phone);
  g_string_append (text, " — ");
  g_string_append (text, (guint) line->reason < G_N_ELEMENTS (words->reasons) ? words->reasons[line->reason]
                                                                               : pd_call_reason_text (line->reason));
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
  g_autofree char *date = pd_format_date_text (&checkpoint_date);

  return g_strdup_printf (ngettext ("Next checkpoint: %s, %s contact cumulative",
                                    "Next checkpoint: %s, %s contacts cumulative",
                                    plural_of (target)),
                          date, target_count);
}

/* ---------------------------------------------------------------- UIDs */

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
  const PdFeedCalls *calls;    /* not owned, NULL: no call list */
  const PdIcsZone *zone;       /* the zone cache's */
  icaltimezone *timezone;      /* its libical zone */
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
  PdIcsPrevious *previous;     /* the previous feed, as read for a regeneration */
  gint64 revision_time;
  gint64 cumulative;           /* of cumulative_text */
  char *cumulative_text;
  gint checkpoint;             /* of checkpoint_text, -1 when none yet */
  char *checkpoint_text;
  guint calls_cursor;          /* where the last call list was found (pd_feed_calls_block_from()) */
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
pd_ics_renderer_new (const PdCampaign *campaign, const PdSchedule *schedule,
                     PdIcsVtimezoneSource vtimezone_source, GError **error)
{
  g_autoptr (PdIcsRenderer) renderer = NULL;
  g_autoptr (GString) constant = g_string_new (NULL);
  guint n_reps;

  g_return_val_if_fail (campaign != NULL && schedule != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  renderer = g_new0 (PdIcsRenderer, 1);
  renderer->campaign = campaign;
  renderer->schedule = schedule;
  renderer->zone = pd_ics_zone_get (campaign, vtimezone_source, error);
  if (renderer->zone == NULL)
    return NULL;
  renderer->timezone = pd_ics_zone_timezone (renderer->zone);

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
pd_ics_renderer_set_calls (PdIcsRenderer *renderer, const PdFeedCalls *calls)
{
  g_return_if_fail (renderer != NULL);
  g_return_if_fail (calls == NULL || pd_feed_calls_n_blocks (calls) == renderer->schedule->blocks->len);

  renderer->calls = calls;
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
description_build (PdIcsRenderer *renderer, Feed *feed, guint block_number, const PdBlock *block)
{
  GString *text = renderer->description;
  const PdCallBlock *list;
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
  if (checkpoint >= 0)
    {
      if (feed->checkpoint_text == NULL || feed->checkpoint != checkpoint)
        {
          g_free (feed->checkpoint_text);
          feed->checkpoint_text = checkpoint_line (renderer->campaign, (guint) checkpoint, feed->rep_contacts);
          feed->checkpoint = checkpoint;
        }
      g_string_append_c (text, '\n');
      g_string_append (text, feed->checkpoint_text);
    }

  /* The block's call list, one line per call, after a blank line. */
  list = renderer->calls != NULL ? pd_feed_calls_block_from (renderer->calls, block_number, &feed->calls_cursor)
                                  : NULL;
  if (list != NULL)
    {
      g_autofree char *heading = pd_call_block_heading (list);
      CallWords words;

      call_words_init (&words);
      g_string_append (text, "\n\n");
      g_string_append (text, heading);
      for (guint i = list->first; i < list->first + list->listed; i++)
        {
          PdCallLine line = pd_feed_calls_line (renderer->calls, i);

          g_string_append_c (text, '\n');
          append_call_line (text, &line, &words);
        }
    }
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
  time = local_time (renderer->timezone, date, minute);
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
 * fresh event's would be (docs/pitfalls.md 2: icalcomponent_set_dt* write the
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
  const char *previous_text = NULL;
  gsize previous_length = 0;

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
  description_build (renderer, feed, block_number, block);
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

  previous_text = pd_ics_previous_text (feed->previous, uid, &previous_length);
  if (previous_text != NULL
      && pd_ics_previous_unchanged (previous_text, previous_length, event->str, event->len, head_length))
    return write (previous_text, previous_length, user_data, error);

  /* Changed, new, or a previous event to read with libical. */
  {
    PdIcsPreviousEvent previous_event;
    const PdIcsPreviousEvent *before = NULL;

    if (pd_ics_previous_event (feed->previous, uid, previous_text, previous_length, &previous_event))
      before = &previous_event;
    if (before != NULL)
      {
        guint8 fingerprint[PD_ICS_FINGERPRINT_SIZE];
        g_autofree char *summary = block_summary (block);
        icaltimezone *zone = renderer->timezone;

        /* The fingerprint reads `scratch`: set what the caches skipped. */
        icalcomponent_set_dtstart (scratch, local_time (zone, &block->date, block->start_minute));
        icalcomponent_set_dtend (scratch, local_time (zone, &block->date, block->end_minute));
        icalcomponent_set_summary (scratch, summary);
        pd_ics_event_fingerprint (scratch, fingerprint);
        if (memcmp (before->fingerprint, fingerprint, PD_ICS_FINGERPRINT_SIZE) == 0)
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

static gboolean
render_feed (PdIcsRenderer *renderer,
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

  feed.previous = pd_ics_previous_new (previous_feed);

  /* The VCALENDAR without children serializes as its header and
   * "END:VCALENDAR\r\n": children go in between. */
  calendar = calendar_new (campaign, feed.rep);
  header = icalcomponent_as_ical_string_r (calendar);
  tail = header != NULL ? g_strrstr (header, "END:VCALENDAR") : NULL;
  if (tail == NULL)
    {
      g_set_error (error, PD_ICS_ERROR, PD_ICS_ERROR_INVALID,
                   _("libical could not write the calendar (libical: %s)"), pd_ics_ical_error_text ());
      goto out;
    }
  g_string_truncate (renderer->event, 0);
  g_string_append_len (renderer->event, header, tail - header);
  g_string_append (renderer->event, pd_ics_zone_vtimezone (renderer->zone) != NULL ? pd_ics_zone_vtimezone (renderer->zone) : "");
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
  pd_ics_previous_free (feed.previous);
  g_free (feed.rep_escaped);
  g_free (feed.cumulative_text);
  g_free (feed.checkpoint_text);
  return ok;
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
  PdLanguageScope language;
  gboolean ok;

  g_return_val_if_fail (renderer != NULL && write != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* The team's language ([campaign] language), whatever this thread's. */
  language = pd_language_enter (renderer->campaign->language);
  ok = render_feed (renderer, rep_index, previous_feed, revision_time, write, user_data, error);
  pd_language_leave (&language);
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
  renderer = pd_ics_renderer_new (campaign, schedule, NULL, error);
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
