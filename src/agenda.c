/* SPDX-License-Identifier: MIT
 *
 * agenda: reminders, daily checks and the next wake-up of a campaign at a
 * given instant (rules in the header).
 */
#define G_LOG_DOMAIN "prospectd-agenda"

#include "prospectd/agenda.h"
#include "prospectd/alerts.h"
#include "prospectd/workcal.h"

static void
reminder_clear (gpointer data)
{
  PdReminder *reminder = data;
  g_free (reminder->key);
}

static GArray *
reminder_array_new (void)
{
  GArray *array = g_array_new (FALSE, TRUE, sizeof (PdReminder));
  g_array_set_clear_func (array, reminder_clear);
  return array;
}

void
pd_agenda_free (PdAgenda *agenda)
{
  if (agenda == NULL)
    return;
  g_clear_pointer (&agenda->due, g_array_unref);
  g_clear_pointer (&agenda->missed, g_array_unref);
  g_free (agenda->next_reminder);
  g_free (agenda);
}

gboolean
pd_agenda_notifies (const char *const *notify_reps, const char *rep)
{
  if (notify_reps == NULL)
    return FALSE;
  for (guint i = 0; notify_reps[i] != NULL; i++)
    if (g_str_equal (notify_reps[i], "*") || g_str_equal (notify_reps[i], rep))
      return TRUE;
  return FALSE;
}

static gint64
local_unix (GTimeZone *tz, const GDate *date, guint minute)
{
  g_autoptr (GDateTime) instant = pd_workcal_local_instant (tz, date, minute);
  return instant != NULL ? g_date_time_to_unix (instant) : -1;
}

/* local_unix(), remembered: a thousand reps' blocks start and end at a few
 * dozen distinct wall times a day, and resolving one walks the zone's
 * transitions. Keys are (days since `first`) x 1441 + minute + 1: a
 * campaign lasts at most ten years, far below 2^32 / 1441 days; a date
 * out of that range is resolved without the cache. */
typedef struct {
  GTimeZone *tz;
  guint32 first;        /* julian day of the campaign's start */
  GHashTable *instants; /* key -> gint64 *, owned */
} InstantCache;

static gint64
cached_local_unix (InstantCache *cache, const GDate *date, guint minute)
{
  guint32 julian = g_date_get_julian (date);
  guint key;
  gint64 *instant;

  if (julian < cache->first || julian - cache->first > G_MAXUINT32 / 1441u - 1 || minute > 1440)
    return local_unix (cache->tz, date, minute);
  key = (julian - cache->first) * 1441u + minute + 1;
  instant = g_hash_table_lookup (cache->instants, GUINT_TO_POINTER (key));

  if (instant == NULL)
    {
      instant = g_new (gint64, 1);
      *instant = local_unix (cache->tz, date, minute);
      g_hash_table_insert (cache->instants, GUINT_TO_POINTER (key), instant);
    }
  return *instant;
}

static gint
compare_reminders (gconstpointer a, gconstpointer b)
{
  const PdReminder *x = a, *y = b;

  if (x->remind_at != y->remind_at)
    return x->remind_at < y->remind_at ? -1 : 1;
  if (x->block.rep_index != y->block.rep_index)
    return x->block.rep_index < y->block.rep_index ? -1 : 1;
  return 0;
}

static char *
reminder_key (const PdCampaign *campaign, const PdBlock *block)
{
  const PdRep *rep = g_ptr_array_index (campaign->reps, block->rep_index);

  return pd_alert_reminder_key (rep->name, &block->date, block->index);
}

/* The local date (julian) of instant `unix` in `tz`; 0 when out of range. */
static guint32
local_julian (GTimeZone *tz, gint64 unix)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (unix);
  g_autoptr (GDateTime) local = utc != NULL ? g_date_time_to_timezone (utc, tz) : NULL;
  GDate date;

  if (local == NULL)
    return 0;
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, (GDateDay) g_date_time_get_day_of_month (local),
                  (GDateMonth) g_date_time_get_month (local), (GDateYear) g_date_time_get_year (local));
  return g_date_get_julian (&date);
}

/* Blocks are sorted by rep, date and index (schedule.h): the first of
 * [low, high) whose rep is at least `rep_index` and, within it, whose date
 * is at least `julian` (a binary search, so that a wake-up costs the days
 * it looks at per rep, not the whole schedule). */
static guint
first_block (const GArray *blocks, guint low, guint high, guint rep_index, guint32 julian)
{
  while (low < high)
    {
      guint mid = low + (high - low) / 2;
      const PdBlock *block = &g_array_index (blocks, PdBlock, mid);

      if (block->rep_index < rep_index
          || (block->rep_index == rep_index && g_date_get_julian (&block->date) < julian))
        low = mid + 1;
      else
        high = mid;
    }
  return low;
}

/* The reminders whose block ends after `after`, on the days from
 * first_julian to last_julian, ordered by remind_at then rep; keys only
 * `with_keys` (the evaluation names only those it keeps). A block outside
 * the days costs a comparison, not a time-zone lookup. */
static GArray *
collect_reminders (const PdCampaign *campaign, const PdSchedule *schedule,
                   const char *const *notify_reps, gint64 after, guint32 first_julian,
                   guint32 last_julian, gboolean with_keys, guint *ret_resolved)
{
  guint resolved = 0;
  GArray *reminders = reminder_array_new ();
  InstantCache cache = { campaign->tz, g_date_get_julian (&campaign->start),
                         g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free) };
  g_autofree gboolean *notified = g_new (gboolean, MAX (campaign->reps->len, 1));

  for (guint r = 0; r < campaign->reps->len; r++)
    notified[r] = pd_agenda_notifies (notify_reps, ((const PdRep *) g_ptr_array_index (campaign->reps, r))->name);
  for (guint r = 0, i = 0; r < campaign->reps->len; r++)
    for (i = first_block (schedule->blocks, i, schedule->blocks->len, r, first_julian);
         i < schedule->blocks->len && g_array_index (schedule->blocks, PdBlock, i).rep_index == r; i++)
    {
      const PdBlock *block = &g_array_index (schedule->blocks, PdBlock, i);
      PdReminder reminder = { .block = *block };

      if (g_date_get_julian (&block->date) > last_julian)
        {
          /* The rep's next blocks are later still. */
          i = first_block (schedule->blocks, i, schedule->blocks->len, r + 1, 0) - 1;
          continue;
        }
      if (block->contacts == 0 || !notified[block->rep_index])
        continue;
      resolved++;
      reminder.end = cached_local_unix (&cache, &block->date, block->end_minute);
      if (reminder.end < 0 || reminder.end <= after)
        continue;
      reminder.start = cached_local_unix (&cache, &block->date, block->start_minute);
      if (reminder.start < 0)
        continue;
      reminder.remind_at = reminder.start - (gint64) campaign->reminder_minutes * 60;
      if (with_keys)
        reminder.key = reminder_key (campaign, block);
      g_array_append_val (reminders, reminder);
    }
  g_hash_table_unref (cache.instants);
  if (ret_resolved != NULL)
    *ret_resolved = resolved;
  /* g_array_sort is a stable merge sort in GLib: equal instants keep
   * schedule order. */
  g_array_sort (reminders, compare_reminders);
  return reminders;
}

GArray *
pd_agenda_reminders (const PdCampaign *campaign, const PdSchedule *schedule,
                     const char *const *notify_reps)
{
  return collect_reminders (campaign, schedule, notify_reps, G_MININT64, 0, G_MAXUINT32, TRUE, NULL);
}

PdReminderState
pd_agenda_reminder_state (const PdReminder *reminder, gint64 now)
{
  if (now < reminder->remind_at)
    return PD_REMINDER_PENDING;
  if (now < reminder->end)
    return PD_REMINDER_DUE;
  return PD_REMINDER_MISSED;
}

gboolean
pd_agenda_is_check_day (const PdCampaign *campaign, const GDate *date)
{
  if (g_date_compare (date, &campaign->start) < 0 || g_date_compare (date, &campaign->end) > 0)
    return FALSE;
  for (guint i = 0; i < campaign->checkpoints->len; i++)
    if (g_date_compare (&g_array_index (campaign->checkpoints, PdCheckpoint, i).date, date) == 0)
      return TRUE;
  for (guint r = 0; r < campaign->reps->len; r++)
    if (pd_workcal_is_available (campaign, g_ptr_array_index (campaign->reps, r), date))
      return TRUE;
  return FALSE;
}

gint64
pd_agenda_check_instant (const PdCampaign *campaign, const GDate *date)
{
  return local_unix (campaign->tz, date, campaign->daily_check_minute);
}

/* The first reminder of a block after day last_julian (all of them still
 * to come), into agenda->next_wakeup and next_reminder: each rep's
 * earliest such block by date and minute, found without a time-zone
 * lookup, then the earliest of those by instant (then rep). */
static void
next_reminder_after (const PdCampaign *campaign, const PdSchedule *schedule,
                     const char *const *notify_reps, guint32 last_julian, PdAgenda *agenda)
{
  g_autofree const PdBlock **first = g_new0 (const PdBlock *, MAX (campaign->reps->len, 1));
  const PdBlock *best = NULL;
  gint64 best_at = 0;

  for (guint r = 0, i = 0; r < campaign->reps->len; r++)
    for (i = first_block (schedule->blocks, i, schedule->blocks->len, r, last_julian + 1);
         i < schedule->blocks->len && g_array_index (schedule->blocks, PdBlock, i).rep_index == r; i++)
    {
      const PdBlock *block = &g_array_index (schedule->blocks, PdBlock, i);
      const PdBlock *current = first[block->rep_index];

      if (current != NULL && g_date_compare (&block->date, &current->date) > 0)
        {
          /* Past the rep's first day with a block: the rep is done. */
          i = first_block (schedule->blocks, i, schedule->blocks->len, r + 1, 0) - 1;
          continue;
        }
      if (block->contacts == 0)
        continue;
      if (current == NULL || g_date_compare (&block->date, &current->date) < 0
          || (g_date_compare (&block->date, &current->date) == 0 && block->start_minute < current->start_minute))
        first[block->rep_index] = block;
    }
  for (guint r = 0; r < campaign->reps->len; r++)
    {
      gint64 start;

      if (first[r] == NULL
          || !pd_agenda_notifies (notify_reps, ((const PdRep *) g_ptr_array_index (campaign->reps, r))->name)
          || (start = local_unix (campaign->tz, &first[r]->date, first[r]->start_minute)) < 0)
        continue;
      start -= (gint64) campaign->reminder_minutes * 60;
      if (best == NULL || start < best_at)
        {
          best = first[r];
          best_at = start;
        }
    }
  if (best != NULL)
    {
      agenda->next_wakeup = best_at;
      agenda->next_reminder = reminder_key (campaign, best);
    }
}

void
pd_agenda_window (const PdCampaign *campaign, gint64 now, gint64 handled_until, guint32 *ret_first_julian,
                  guint32 *ret_last_julian)
{
  /* Only the days that can hold a reminder due or missed now are looked
   * at closely: from the day before `handled_until`'s (a block of an
   * earlier day ended before it) to the days whose reminders may already
   * have come (the lead time is at most a day). A ten-year campaign of
   * one-minute blocks has some 120 000 blocks: resolving each one's
   * local time at every wake-up took a third of a second of the loop. */
  guint32 now_julian = local_julian (campaign->tz, now);
  guint32 handled_julian = handled_until == G_MININT64 ? 0 : local_julian (campaign->tz, handled_until);

  *ret_first_julian = handled_julian > 1 ? handled_julian - 1 : 0;
  *ret_last_julian = now_julian == 0 ? G_MAXUINT32 : now_julian + 2 + campaign->reminder_minutes / 1440;
}

PdAgenda *
pd_agenda_evaluate (const PdCampaign *campaign, const PdSchedule *schedule,
                    const char *const *notify_reps, gint64 now, gint64 handled_until,
                    PdAgendaRecordedFunc recorded, gpointer user_data)
{
  PdAgenda *agenda = g_new0 (PdAgenda, 1);
  guint32 first_julian, last_julian;
  g_autoptr (GArray) reminders = NULL;
  GDate date;

  pd_agenda_window (campaign, now, handled_until, &first_julian, &last_julian);
  reminders = collect_reminders (campaign, schedule, notify_reps, handled_until, first_julian, last_julian, FALSE,
                                 &agenda->blocks_resolved);

  agenda->due = reminder_array_new ();
  agenda->missed = reminder_array_new ();
  for (guint i = 0; i < reminders->len; i++)
    {
      PdReminder *reminder = &g_array_index (reminders, PdReminder, i);
      PdReminderState state = pd_agenda_reminder_state (reminder, now);
      PdReminder copy = *reminder;

      if (state == PD_REMINDER_PENDING)
        {
          /* Sorted by remind_at: the first pending one is the next. */
          if (agenda->next_reminder == NULL)
            {
              agenda->next_wakeup = reminder->remind_at;
              agenda->next_reminder = reminder_key (campaign, &reminder->block);
            }
          continue;
        }
      copy.key = reminder_key (campaign, &reminder->block);
      if (recorded != NULL && recorded (copy.key, user_data))
        {
          g_free (copy.key);
          continue;
        }
      g_array_append_val (state == PD_REMINDER_DUE ? agenda->due : agenda->missed, copy);
    }
  if (agenda->next_reminder == NULL && last_julian != G_MAXUINT32)
    next_reminder_after (campaign, schedule, notify_reps, last_julian, agenda);

  /* Check days: one pass over the campaign's dates (a few hundred at
   * most); the latest instant <= now and the first one after it. */
  g_date_clear (&agenda->check_date, 1);
  g_date_clear (&agenda->next_check_date, 1);
  for (date = campaign->start; g_date_compare (&date, &campaign->end) <= 0; g_date_add_days (&date, 1))
    {
      gint64 at;

      if (!pd_agenda_is_check_day (campaign, &date) || (at = pd_agenda_check_instant (campaign, &date)) < 0)
        continue;
      if (at <= now)
        {
          agenda->has_check = TRUE;
          agenda->check_date = date;
          agenda->check_at = at;
        }
      else
        {
          agenda->next_check_date = date;
          agenda->next_check_at = at;
          if (agenda->next_wakeup == 0 || at < agenda->next_wakeup)
            agenda->next_wakeup = at;
          break;
        }
    }
  return agenda;
}
