/* SPDX-License-Identifier: MIT
 *
 * schedule: from a plan to daily call blocks (docs/scheduling.md;
 * include/prospectd/schedule.h).
 *
 * Owns the split of a plan's contacts across reps, the per-day load of each
 * rep along the checkpoint curve, the call blocks of each day, the capacity
 * check and its error, and the catch-up re-spread. Pure: the campaign and
 * the plan in, a new schedule out; every count is an exact integer (products
 * in 128 bits, as in plan.c), so that tests can state exact blocks.
 */
#define G_LOG_DOMAIN "prospectd-schedule"

#include <string.h>
#include <glib/gi18n.h>

#include "prospectd/format.h"
#include "prospectd/schedule.h"
#include "prospectd/workcal.h"

/* Largest-remainder products of contacts and weights. */
__extension__ typedef __int128 wide;

G_DEFINE_QUARK (pd-schedule-error-quark, pd_schedule_error)

static PdSchedule *
schedule_new (void)
{
  PdSchedule *schedule = g_new0 (PdSchedule, 1);
  schedule->rep_contacts = g_array_new (FALSE, TRUE, sizeof (gint64));
  schedule->days = g_array_new (FALSE, FALSE, sizeof (PdDay));
  schedule->blocks = g_array_new (FALSE, FALSE, sizeof (PdBlock));
  return schedule;
}

void
pd_schedule_free (PdSchedule *schedule)
{
  if (schedule == NULL)
    return;
  g_clear_pointer (&schedule->rep_contacts, g_array_unref);
  g_clear_pointer (&schedule->days, g_array_unref);
  g_clear_pointer (&schedule->blocks, g_array_unref);
  g_free (schedule);
}

/* ------------------------------------------------------------ messages */

/* "09:00-12:00, 14:00-17:00"; "none" for a day without a window. */
static char *
format_windows (const GArray *windows)
{
  if (windows->len == 0)
    return g_strdup (_("none"));

  GString *text = g_string_new (NULL);
  for (guint i = 0; i < windows->len; i++)
    {
      const PdWindow *window = &g_array_index (windows, PdWindow, i);
      g_string_append_printf (text, "%s%02u:%02u-%02u:%02u", i > 0 ? ", " : "",
                              window->start_minute / 60, window->start_minute % 60,
                              window->end_minute / 60, window->end_minute % 60);
    }
  return g_string_free (text, FALSE);
}

/* ------------------------------------------------------------ split */

static gint
compare_remainders (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const wide *remainders = user_data;
  guint x = *(const guint *) a, y = *(const guint *) b;

  if (remainders[x] != remainders[y])
    return remainders[x] > remainders[y] ? -1 : 1;
  return (x > y) - (x < y);
}

GArray *
pd_schedule_split (const PdCampaign *campaign, gint64 contacts)
{
  g_return_val_if_fail (campaign != NULL && campaign->reps != NULL, NULL);

  guint n_reps = campaign->reps->len;
  GArray *shares = g_array_sized_new (FALSE, TRUE, sizeof (gint64), n_reps);
  g_array_set_size (shares, n_reps);
  if (n_reps == 0 || contacts <= 0)
    return shares;

  wide total_weight = 0;
  for (guint i = 0; i < n_reps; i++)
    total_weight += ((const PdRep *) g_ptr_array_index (campaign->reps, i))->weight;
  if (total_weight <= 0)
    return shares;

  /* Largest remainder: everyone gets the floor of their exact share, then
   * the contacts left over go one each to the largest fractional parts,
   * the earlier rep first on a tie. */
  g_autofree wide *remainders = g_new (wide, n_reps);
  gint64 assigned = 0;
  for (guint i = 0; i < n_reps; i++)
    {
      const PdRep *rep = g_ptr_array_index (campaign->reps, i);
      wide product = (wide) contacts * (wide) rep->weight;
      gint64 share = (gint64) (product / total_weight);
      remainders[i] = product % total_weight;
      g_array_index (shares, gint64, i) = share;
      assigned += share;
    }

  /* The reps by remainder, largest first, the earlier rep on a tie: the
   * first `left` of them get one more (fewer than n_reps are left). */
  g_autoptr (GArray) order = g_array_sized_new (FALSE, FALSE, sizeof (guint), n_reps);
  for (guint i = 0; i < n_reps; i++)
    g_array_append_val (order, i);
  g_array_sort_with_data (order, compare_remainders, remainders);
  for (gint64 left = contacts - assigned, i = 0; left > 0 && i < n_reps; left--, i++)
    g_array_index (shares, gint64, g_array_index (order, guint, i)) += 1;
  return shares;
}

gint64
pd_schedule_checkpoint_target (const PdCampaign *campaign,
                               guint checkpoint_index,
                               gint64 rep_contacts)
{
  g_return_val_if_fail (campaign != NULL && campaign->checkpoints != NULL, 0);
  g_return_val_if_fail (checkpoint_index < campaign->checkpoints->len, 0);

  const PdCheckpoint *checkpoint =
    &g_array_index (campaign->checkpoints, PdCheckpoint, checkpoint_index);
  if (rep_contacts <= 0 || checkpoint->share <= 0)
    return 0;
  return pd_muldiv_saturated (rep_contacts, checkpoint->share, PD_MILLI, PD_ROUNDING_UP);
}

/* ------------------------------------------------------------ days */

static gint64
day_minutes (const PdCampaign *campaign, gint64 contacts)
{
  if (contacts <= 0 || campaign->plan.minutes_per_contact <= 0)
    return 0;
  return pd_muldiv_saturated (contacts, campaign->plan.minutes_per_contact, PD_MILLI, PD_ROUNDING_UP);
}

/* Appends one PdDay per date of `dates`, `contacts` spread evenly and the
 * remainder one each to the earliest; `extra`, when not NULL, holds a load
 * to add to each day (aligned with `dates`). */
static void
append_spread (const PdCampaign *campaign, guint rep_index, const GArray *dates,
               gint64 contacts, const gint64 *extra, gint64 *cumulative, GArray *days)
{
  gint64 each = dates->len > 0 ? contacts / dates->len : 0;
  gint64 remainder = dates->len > 0 ? contacts % dates->len : 0;
  guint first = days->len;

  /* Grown once, zeroed (padding included: days are compared as bytes),
   * then filled in place (a team's 250 000 days). */
  if (dates->len == 0)
    return; /* (an empty array has no data to zero) */
  g_array_set_size (days, first + dates->len);
  memset (&g_array_index (days, PdDay, first), 0, (gsize) dates->len * sizeof (PdDay));
  for (guint i = 0; i < dates->len; i++)
    {
      PdDay *day = &g_array_index (days, PdDay, first + i);

      day->rep_index = rep_index;
      day->date = g_array_index (dates, GDate, i);
      day->contacts = each + ((gint64) i < remainder ? 1 : 0) + (extra ? extra[i] : 0);
      day->minutes = day_minutes (campaign, day->contacts);
      *cumulative += day->contacts;
      day->cumulative = *cumulative;
    }
}

/* The rep's available days from `from` to `to` (pd_workcal_available_days()),
 * kept in `calendars` (when not NULL) by what decides them: the span, the
 * rep's start, workdays and days off (the campaign's rules are the same
 * for every rep). Reps of a team mostly share one calendar. */
static GArray *
rep_available_days (const PdCampaign *campaign, const PdRep *rep, const GDate *from, const GDate *to,
                    GHashTable *calendars)
{
  g_autofree char *key = NULL;
  GArray *days;

  if (calendars == NULL)
    return pd_workcal_available_days (campaign, rep, from, to);
  key = pd_workcal_days_key (rep, from, to);
  days = g_hash_table_lookup (calendars, key);
  if (days == NULL)
    {
      days = pd_workcal_available_days (campaign, rep, from, to);
      g_hash_table_insert (calendars, g_steal_pointer (&key), days);
    }
  return g_array_ref (days);
}

/* Where a rep's segments go (walk_segments()): the baseline's days, or
 * the curve's segments. */
typedef struct {
  /* How many of the rep's available days [first, last] holds (kept for
   * spread()). */
  guint (*count) (gpointer data, const GDate *first, const GDate *last);
  /* `due` contacts spread over the days counted last, the rep's
   * cumulative being `before` until then. */
  void (*spread) (gpointer data, gint64 due, gint64 before);
  gpointer data;
} SegmentSink;

/* Rule 2: the rep's segments along the checkpoints, from `first` on (the
 * campaign's start, or the day after the kept history, which adds up to
 * `previous_target`). Segment k holds the available days in (checkpoint
 * k-1, checkpoint k] and the contacts target_k - target_(k-1). */
static gboolean
walk_segments (const PdCampaign *campaign, const PdRep *rep, gint64 rep_contacts, GDate first,
               gint64 previous_target, const SegmentSink *sink, GError **error)
{
  guint n_checkpoints = campaign->checkpoints ? campaign->checkpoints->len : 0;

  for (guint k = 0; k <= n_checkpoints; k++)
    {
      GDate last;
      gint64 target;
      if (k < n_checkpoints)
        {
          last = g_array_index (campaign->checkpoints, PdCheckpoint, k).date;
          if (g_date_compare (&last, &first) < 0)
            continue; /* in the kept history */
          target = pd_schedule_checkpoint_target (campaign, k, rep_contacts);
        }
      else if (g_date_compare (&first, &campaign->end) <= 0)
        {
          /* The implicit 100 % checkpoint at the end, for a campaign whose
           * list stops short of it (config always closes the list). */
          last = campaign->end;
          target = rep_contacts;
        }
      else
        break;

      target = MAX (target, previous_target);
      gint64 due = target - previous_target;
      guint n_dates = sink->count (sink->data, &first, &last);
      GDate rep_start = rep->start;
      if (due > 0 && n_dates == 0 && g_date_valid (&rep_start) && g_date_compare (&rep_start, &last) > 0)
        {
          /* A rep who joins later owes this segment's contacts from their
           * start: they go to the next segment. */
          first = last;
          g_date_add_days (&first, 1);
          continue;
        }
      if (due > 0 && n_dates == 0)
        {
          g_autofree char *first_text = pd_format_date (&first);
          g_autofree char *last_text = pd_format_date (&last);
          g_set_error (error, PD_SCHEDULE_ERROR, PD_SCHEDULE_ERROR_NO_DAYS,
                       ngettext ("rep %s: %lld contact is due from %s to %s but the rep "
                                 "has no available day then. Move the checkpoint, or "
                                 "shorten the rep's days off.",
                                 "rep %s: %lld contacts are due from %s to %s but the rep "
                                 "has no available day then. Move the checkpoint, or "
                                 "shorten the rep's days off.", (gulong) CLAMP (due, 0, G_MAXINT)),
                       rep->name, (long long) due, first_text, last_text);
          return FALSE;
        }
      sink->spread (sink->data, due, previous_target);

      previous_target = target;
      first = last;
      g_date_add_days (&first, 1);
    }
  return TRUE;
}

/* The baseline's days as walk_segments() gives their segments. */
typedef struct {
  const PdCampaign *campaign;
  guint rep_index;
  GHashTable *calendars;
  GArray *dates;        /* the days counted last */
  gint64 cumulative;
  GArray *days;
} DaysSink;

static guint
days_sink_count (gpointer data, const GDate *first, const GDate *last)
{
  DaysSink *sink = data;

  g_clear_pointer (&sink->dates, g_array_unref);
  sink->dates = rep_available_days (sink->campaign, g_ptr_array_index (sink->campaign->reps, sink->rep_index),
                                    first, last, sink->calendars);
  return sink->dates->len;
}

static void
days_sink_spread (gpointer data, gint64 due, gint64 before)
{
  DaysSink *sink = data;

  (void) before; /* the running cumulative, the same */
  append_spread (sink->campaign, sink->rep_index, sink->dates, due, NULL, &sink->cumulative, sink->days);
}

/* Rule 2: the rep's baseline days, segment by segment along the
 * checkpoints (walk_segments()), after the kept history. */
static gboolean
append_baseline_days (const PdCampaign *campaign, guint rep_index,
                      gint64 rep_contacts, GHashTable *history, GHashTable *calendars, GArray *days,
                      GError **error)
{
  const PdRep *rep = g_ptr_array_index (campaign->reps, rep_index);
  GDate first = campaign->start;
  DaysSink days_sink = { campaign, rep_index, calendars, NULL, 0, days };
  SegmentSink sink = { days_sink_count, days_sink_spread, &days_sink };
  gboolean done;

  /* Past days keep the loads planned for them; the rest of the rep's
   * contacts are spread from the day after. */
  if (history != NULL)
    {
      GDate through = campaign->history_through;
      if (g_date_compare (&through, &campaign->end) > 0)
        through = campaign->end;
      g_autoptr (GArray) dates = rep_available_days (campaign, rep, &campaign->start, &through, calendars);
      for (guint i = 0; i < dates->len; i++)
        {
          PdDay day = { .rep_index = rep_index, .date = g_array_index (dates, GDate, i) };
          gint64 key = (gint64) rep_index << 32 | g_date_get_julian (&day.date);
          gpointer value = g_hash_table_lookup (history, &key);

          day.contacts = value != NULL ? *(const gint64 *) value : 0;
          day.minutes = day_minutes (campaign, day.contacts);
          days_sink.cumulative += day.contacts;
          day.cumulative = days_sink.cumulative;
          g_array_append_val (days, day);
        }
      first = through;
      g_date_add_days (&first, 1);
    }

  done = walk_segments (campaign, rep, rep_contacts, first, days_sink.cumulative, &sink, error);
  g_clear_pointer (&days_sink.dates, g_array_unref);
  return done;
}

/* ------------------------------------------------------------ blocks */

/* Rule 3, then rule 4, exactly:
 *
 *  - A block holds at most K = floor(max_block / minutes per contact)
 *    contacts (config refuses a max_block below one contact's minutes) and
 *    lasts its contacts x minutes per contact, rounded up to a whole minute.
 *  - The day's windows are its call windows less the wall minutes a DST gap
 *    removes (a window the gap cuts becomes two). A window that begins
 *    when the previous one ends (windows that touch, or the two parts of a
 *    window cut by a DST gap, which takes no time) loses its first `break`
 *    minutes: its first block starts one break after its start. The room
 *    of a window is its length less that lead.
 *  - A window's contacts make n = ceil(contacts / K) blocks, the contacts
 *    spread evenly over them, the remainder one each to the earliest. The
 *    first block starts at the window's start (after the lead), each next
 *    one `break` minutes after the previous one ends. A window holds at
 *    most the largest count whose blocks and the breaks between them fit
 *    in its room (its capacity).
 *  - The day's contacts are shared among the windows with a capacity in
 *    proportion to their room (largest remainder, the earlier window first
 *    on a tie); a window whose share exceeds its capacity keeps its
 *    capacity and the rest is shared again the same way among the others.
 *  - Breaks take window time but are not calls: max_daily_calls caps the
 *    blocks' minutes only. The day's capacity is the smaller of
 *    max_daily_calls and the call minutes of every window filled to its
 *    capacity; a day needing more (or more contacts than the windows hold)
 *    is the rule 4 error. */

typedef struct {
  gint64 per_block;     /* K, at least 1 */
  gint64 per_contact;   /* minutes per contact, millionths */
  gint64 break_minutes;
  gint64 capacity[24 * 60 + 1]; /* window_capacity() by room, -1: not known yet */
} BlockRule;

static void
block_rule_init (const PdCampaign *campaign, BlockRule *rule)
{
  rule->per_contact = campaign->plan.minutes_per_contact;
  rule->break_minutes = campaign->break_minutes;
  /* max_block 0 (a campaign built by hand): no limit. */
  rule->per_block = campaign->max_block_minutes > 0 && rule->per_contact > 0
                      ? pd_muldiv_saturated (campaign->max_block_minutes, PD_MILLI,
                                             rule->per_contact, PD_ROUNDING_DOWN)
                      : G_MAXINT64;
  for (gsize i = 0; i < G_N_ELEMENTS (rule->capacity); i++)
    rule->capacity[i] = -1;
}

static gint64
block_minutes (const BlockRule *rule, gint64 contacts)
{
  return pd_muldiv_saturated (contacts, rule->per_contact, PD_MILLI, PD_ROUNDING_UP);
}

static gint64
block_count (const BlockRule *rule, gint64 contacts)
{
  return contacts / rule->per_block + (contacts % rule->per_block != 0);
}

/* The call minutes of `contacts` in one window, and the room they take
 * with the breaks between their blocks. */
static gint64
window_use (const BlockRule *rule, gint64 contacts, gint64 *ret_room)
{
  gint64 n = block_count (rule, contacts);
  gint64 minutes = 0;

  if (n > 0)
    minutes = (contacts % n) * block_minutes (rule, contacts / n + 1)
              + (n - contacts % n) * block_minutes (rule, contacts / n);
  *ret_room = minutes + (n > 0 ? (n - 1) * rule->break_minutes : 0);
  return minutes;
}

/* The most contacts whose blocks fit in `room` minutes. */
static gint64
window_capacity (BlockRule *rule, gint64 room)
{
  if (room >= 0 && room < (gint64) G_N_ELEMENTS (rule->capacity) && rule->capacity[room] >= 0)
    return rule->capacity[room];

  gint64 low = 0;
  gint64 high = room > 0 ? pd_muldiv_saturated (room, PD_MILLI, rule->per_contact, PD_ROUNDING_DOWN) : 0;

  while (low < high)
    {
      gint64 mid = high - (high - low) / 2;
      gint64 used;

      window_use (rule, mid, &used);
      if (used <= room)
        low = mid;
      else
        high = mid - 1;
    }
  if (room >= 0 && room < (gint64) G_N_ELEMENTS (rule->capacity))
    rule->capacity[room] = low;
  return low;
}

/* Shares `total` among the windows still open (capacity not reached) in
 * proportion to their room, largest remainder, the earlier first on a
 * tie; a share above its window's capacity is capped there and the rest
 * shared again. FALSE when the windows cannot hold `total`. */
static gboolean
share_among_windows (gint64 total, guint n, const gint64 *room, const gint64 *capacity,
                     gint64 *shares)
{
  g_autofree gboolean *closed = g_new0 (gboolean, MAX (n, 1));
  g_autofree wide *remainders = g_new0 (wide, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    {
      shares[i] = 0;
      closed[i] = capacity[i] <= 0;
    }
  for (;;)
    {
      wide weight = 0;
      gint64 assigned = 0;
      gboolean capped = FALSE;

      for (guint i = 0; i < n; i++)
        if (!closed[i])
          {
            shares[i] = 0;
            weight += room[i];
          }
      if (total == 0)
        return TRUE;
      if (weight <= 0)
        return FALSE;

      for (guint i = 0; i < n; i++)
        if (!closed[i])
          {
            wide product = (wide) total * room[i];
            shares[i] = (gint64) (product / weight);
            remainders[i] = product % weight;
            assigned += shares[i];
          }
      for (gint64 left = total - assigned; left > 0; left--)
        {
          guint best = n;
          for (guint i = 0; i < n; i++)
            if (!closed[i] && (best == n || remainders[i] > remainders[best]))
              best = i;
          shares[best] += 1;
          remainders[best] = -1; /* at most one extra contact each */
        }

      for (guint i = 0; i < n; i++)
        if (!closed[i] && shares[i] > capacity[i])
          {
            shares[i] = capacity[i];
            closed[i] = TRUE;
            total -= capacity[i];
            capped = TRUE;
          }
      if (!capped)
        return TRUE;
    }
}

/* Whether the day's window `i` begins when window i - 1 ends: they touch,
 * or both are parts of one of the rep's windows that a DST gap cut. */
static gboolean
window_joins_previous (const PdRep *rep, const GArray *windows, guint i)
{
  if (i == 0)
    return FALSE;
  const PdWindow *previous = &g_array_index (windows, PdWindow, i - 1);
  const PdWindow *window = &g_array_index (windows, PdWindow, i);
  if (previous->end_minute == window->start_minute)
    return TRUE;
  for (guint k = 0; rep->windows != NULL && k < rep->windows->len; k++)
    {
      const PdWindow *whole = &g_array_index (rep->windows, PdWindow, k);
      if (whole->start_minute <= previous->start_minute && window->end_minute <= whole->end_minute)
        return TRUE;
    }
  return FALSE;
}

static gboolean
infeasible (const PdRep *rep, const PdDay *day,
            const GArray *windows, gint64 capacity, GError **error)
{
  g_autofree char *date_text = pd_format_date (&day->date);
  g_autofree char *windows_text = format_windows (windows);
  g_autofree char *max_daily_text = pd_format_duration (rep->max_daily_minutes);

  g_set_error (error, PD_SCHEDULE_ERROR, PD_SCHEDULE_ERROR_INFEASIBLE,
               _("%s: rep %s needs %lld min of calls but the day holds %lld min "
                 "(call windows %s; max_daily_calls %s). Lengthen the call "
                 "windows, add reps, or raise max_daily_calls."),
               date_text, rep->name, (long long) day->minutes,
               (long long) capacity, windows_text, max_daily_text);
  return FALSE;
}

static gboolean
append_day_blocks (const PdCampaign *campaign, BlockRule *rule, const PdDay *day,
                   GArray *blocks, GError **error)
{
  if (day->contacts <= 0 || day->minutes <= 0)
    return TRUE;

  const PdRep *rep = g_ptr_array_index (campaign->reps, day->rep_index);
  g_autoptr (GArray) windows = pd_workcal_day_windows (campaign, rep, &day->date);
  guint n = windows->len;
  g_autofree gint64 *room = g_new0 (gint64, MAX (n, 1));
  g_autofree gint64 *capacity = g_new0 (gint64, MAX (n, 1));
  g_autofree gint64 *shares = g_new0 (gint64, MAX (n, 1));
  g_autofree gboolean *lead = g_new0 (gboolean, MAX (n, 1));
  gint64 window_minutes = 0;

  for (guint i = 0; i < n && rule->per_block > 0; i++)
    {
      const PdWindow *window = &g_array_index (windows, PdWindow, i);
      gint64 used;

      lead[i] = window_joins_previous (rep, windows, i);
      room[i] = MAX ((gint64) (window->end_minute - window->start_minute)
                       - (lead[i] ? rule->break_minutes : 0), 0);
      capacity[i] = window_capacity (rule, room[i]);
      window_minutes += window_use (rule, capacity[i], &used);
    }
  gint64 day_capacity = MIN (window_minutes, (gint64) rep->max_daily_minutes);

  if (day->minutes > day_capacity || rule->per_block <= 0
      || !share_among_windows (day->contacts, n, room, capacity, shares))
    return infeasible (rep, day, windows, day_capacity, error);

  gint64 call_minutes = 0;
  for (guint i = 0; i < n; i++)
    {
      gint64 used;
      call_minutes += window_use (rule, shares[i], &used);
    }
  if (call_minutes > rep->max_daily_minutes)
    return infeasible (rep, day, windows, day_capacity, error);

  guint index = 0;
  for (guint i = 0; i < n; i++)
    {
      const PdWindow *window = &g_array_index (windows, PdWindow, i);
      gint64 count = block_count (rule, shares[i]);
      guint start = window->start_minute + (lead[i] ? (guint) rule->break_minutes : 0);

      for (gint64 k = 0; k < count; k++)
        {
          gint64 contacts = shares[i] / count + (k < shares[i] % count ? 1 : 0);
          PdBlock block = {
            .rep_index = day->rep_index,
            .date = day->date,
            .index = ++index,
            .start_minute = start,
            .end_minute = start + (guint) block_minutes (rule, contacts),
            .contacts = contacts,
            .day_contacts = day->contacts,
            .cumulative = day->cumulative,
          };
          g_array_append_val (blocks, block);
          start = block.end_minute + (guint) rule->break_minutes;
        }
    }
  return TRUE;
}

static gboolean
append_blocks (const PdCampaign *campaign, const GArray *days, guint first_day,
               GArray *blocks, GError **error)
{
  g_autofree BlockRule *rule = g_new (BlockRule, 1);

  block_rule_init (campaign, rule);
  for (guint i = first_day; i < days->len; i++)
    if (!append_day_blocks (campaign, rule, &g_array_index (days, PdDay, i), blocks, error))
      return FALSE;
  return TRUE;
}

gboolean
pd_schedule_append_blocks (const PdCampaign *campaign,
                           const PdDay *days,
                           guint n_days,
                           GArray *blocks,
                           GError **error)
{
  g_return_val_if_fail (campaign != NULL && campaign->reps != NULL, FALSE);
  g_return_val_if_fail ((days != NULL || n_days == 0) && blocks != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_autofree BlockRule *rule = NULL;

  if (n_days == 0)
    return TRUE;
  rule = g_new (BlockRule, 1);
  block_rule_init (campaign, rule);
  for (guint i = 0; i < n_days; i++)
    if (!append_day_blocks (campaign, rule, &days[i], blocks, error))
      return FALSE;
  return TRUE;
}

/* ------------------------------------------------------------ build */

/* A hash of (rep << 32 | julian day) keys: g_int64_hash() folds the two
 * halves together (rep ^ day), which puts the keys of a team's year in a
 * few thousand buckets (a command at 1 000 reps spent seconds comparing
 * keys); a multiplicative hash spreads them. */
static guint
day_key_hash (gconstpointer key)
{
  guint64 value = (guint64) *(const gint64 *) key;

  return (guint) ((value * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> 32);
}

struct _PdScheduleBuilder {
  const PdCampaign *campaign;
  GArray *rep_contacts;  /* gint64, one per rep: the split of the plan */
  GHashTable *history;   /* (rep << 32 | julian day) -> the load kept for it; NULL without history */
  /* pd_schedule_builder_rep_days(): the block rule, and whether a day
   * fits by what decides it (FitKey -> GINT_TO_POINTER (fits + 1)). */
  BlockRule *rule;
  GHashTable *fits;
  GHashTable *calendars; /* rep_available_days()'s */
  /* Each campaign day's shape (DayShape: its windows' rooms and
   * capacities) for the reps whose windows are `shape_windows`, as an
   * index into `shapes` (SHAPE_UNKNOWN until worked out, SHAPE_NONE when
   * it has more than FIT_WINDOWS windows): a team's reps mostly share
   * their windows, so a day's windows are worked out once, not once per
   * rep. */
  GArray *shape_windows; /* PdWindow; NULL: not worked out for any rep yet */
  gboolean shape_no_windows; /* the reps of the shapes have no windows */
  GArray *shapes;        /* DayShape, each once */
  gint *shape_of_day;    /* by day of the campaign */
  guint n_campaign_days;
  /* pd_schedule_builder_rep_curve(): each calendar's available days
   * (pd_workcal_days_key() of the campaign's span -> CurveCalendar), and
   * the kept history as HistoryLoad sorted by key (NULL: not made yet). */
  GHashTable *curve_calendars;
  GArray *history_loads;
  const PdRep *last_rep;          /* the rep last asked for its calendar, */
  struct _CurveCalendar *last_calendar; /* and that calendar */
  GArray *scratch;               /* PdBlock: the blocks of a day being checked */
};

PdScheduleBuilder *
pd_schedule_builder_new (const PdCampaign *campaign, const PdPlan *plan)
{
  g_return_val_if_fail (campaign != NULL && campaign->reps != NULL, NULL);
  g_return_val_if_fail (plan != NULL, NULL);

  PdScheduleBuilder *builder = g_new0 (PdScheduleBuilder, 1);
  builder->campaign = campaign;
  builder->rep_contacts = pd_schedule_split (campaign, plan->contacts);
  if (campaign->history != NULL && g_date_valid (&campaign->history_through)
      && g_date_compare (&campaign->history_through, &campaign->start) >= 0)
    {
      builder->history = g_hash_table_new_full (day_key_hash, g_int64_equal, g_free, NULL);
      for (guint i = 0; i < campaign->history->len; i++)
        {
          const PdPlannedDay *kept = &g_array_index (campaign->history, PdPlannedDay, i);
          GDate date = kept->date;
          gint64 *key = g_new (gint64, 1);

          *key = (gint64) kept->rep_index << 32 | g_date_get_julian (&date);
          g_hash_table_insert (builder->history, key, (gpointer) &kept->contacts);
        }
    }
  return builder;
}

void
pd_schedule_builder_free (PdScheduleBuilder *builder)
{
  if (builder == NULL)
    return;
  g_clear_pointer (&builder->rep_contacts, g_array_unref);
  g_clear_pointer (&builder->history, g_hash_table_unref);
  g_clear_pointer (&builder->fits, g_hash_table_unref);
  g_clear_pointer (&builder->calendars, g_hash_table_unref);
  g_clear_pointer (&builder->curve_calendars, g_hash_table_unref);
  g_clear_pointer (&builder->history_loads, g_array_unref);
  g_clear_pointer (&builder->scratch, g_array_unref);
  g_clear_pointer (&builder->shape_windows, g_array_unref);
  g_clear_pointer (&builder->shapes, g_array_unref);
  g_free (builder->shape_of_day);
  g_free (builder->rule);
  g_free (builder);
}

gboolean
pd_schedule_builder_append (PdScheduleBuilder *builder, guint rep_index, PdSchedule *schedule, GError **error)
{
  g_return_val_if_fail (builder != NULL && schedule != NULL, FALSE);
  g_return_val_if_fail (rep_index < builder->campaign->reps->len, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  guint first_day = schedule->days->len;
  return append_baseline_days (builder->campaign, rep_index,
                               g_array_index (builder->rep_contacts, gint64, rep_index),
                               builder->history, NULL, schedule->days, error)
         && append_blocks (builder->campaign, schedule->days, first_day, schedule->blocks, error);
}

PdSchedule *
pd_schedule_builder_start (PdScheduleBuilder *builder)
{
  g_return_val_if_fail (builder != NULL, NULL);

  PdSchedule *schedule = schedule_new ();
  g_array_append_vals (schedule->rep_contacts, builder->rep_contacts->data, builder->rep_contacts->len);
  return schedule;
}

PdSchedule *
pd_schedule_builder_rep (PdScheduleBuilder *builder, guint rep_index, GError **error)
{
  g_return_val_if_fail (builder != NULL, NULL);

  g_autoptr (PdSchedule) schedule = pd_schedule_builder_start (builder);
  if (!pd_schedule_builder_append (builder, rep_index, schedule, error))
    return NULL;
  return g_steal_pointer (&schedule);
}

/* What decides whether a day's blocks fit (append_day_blocks()): its
 * contacts (its minutes follow from them), the rep's max_daily_calls and,
 * per window of the day, its room and capacity; the block rule is the
 * campaign's. Days with more windows than this are checked each time. */
#define FIT_WINDOWS 8
typedef struct {
  gint64 contacts;
  gint64 max_daily_minutes;
  gint64 n;
  gint64 room[FIT_WINDOWS];
  gint64 capacity[FIT_WINDOWS];
} FitKey;

static guint
fit_key_hash (gconstpointer data)
{
  const FitKey *key = data;
  guint64 hash = (guint64) key->contacts;

  /* The words in use, each mixed in by a multiplication (the unused
   * windows are zeros). */
  hash = (hash ^ (guint64) key->max_daily_minutes) * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  hash = (hash ^ (guint64) key->n) * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  for (gint64 i = 0; i < key->n; i++)
    {
      hash = (hash ^ (guint64) key->room[i]) * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
      hash = (hash ^ (guint64) key->capacity[i]) * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
    }
  return (guint) (hash >> 32);
}

static gboolean
fit_key_equal (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, sizeof (FitKey)) == 0;
}

/* A day's windows as FitKey holds them: how many, and each one's room
 * and capacity (all words set, so that two shapes compare with memcmp). */
typedef struct {
  gint64 n;
  gint64 room[FIT_WINDOWS];
  gint64 capacity[FIT_WINDOWS];
} DayShape;

#define SHAPE_UNKNOWN (-2) /* not worked out yet */
#define SHAPE_NONE    (-1) /* more than FIT_WINDOWS windows, or not a campaign day */

/* The shape of `rep`'s day `date`; FALSE when it has more than FIT_WINDOWS
 * windows. */
static gboolean
day_shape (const PdCampaign *campaign, BlockRule *rule, const PdRep *rep, const GDate *date,
           DayShape *ret_shape)
{
  g_autoptr (GArray) windows = pd_workcal_day_windows (campaign, rep, date);

  memset (ret_shape, 0, sizeof *ret_shape);
  if (windows->len > FIT_WINDOWS)
    return FALSE;
  ret_shape->n = windows->len;
  for (guint i = 0; i < windows->len; i++)
    {
      const PdWindow *window = &g_array_index (windows, PdWindow, i);

      ret_shape->room[i] = MAX ((gint64) (window->end_minute - window->start_minute)
                                  - (window_joins_previous (rep, windows, i) ? rule->break_minutes : 0), 0);
      ret_shape->capacity[i] = window_capacity (rule, ret_shape->room[i]);
    }
  return TRUE;
}

/* Whether `day` (of a shape of at most FIT_WINDOWS windows) fits, as
 * append_day_blocks() decides it, remembered in the builder by FitKey: a
 * team's reps share their windows, so each kind of day is worked out
 * once. */
static gboolean
shaped_day_fits (PdScheduleBuilder *builder, const PdDay *day, const DayShape *shape, GArray *scratch)
{
  const PdRep *rep = g_ptr_array_index (builder->campaign->reps, day->rep_index);
  FitKey key;
  gpointer known;
  gboolean fits;

  memset (&key, 0, sizeof key);
  key.contacts = day->contacts;
  key.max_daily_minutes = rep->max_daily_minutes;
  key.n = shape->n;
  memcpy (key.room, shape->room, sizeof key.room);
  memcpy (key.capacity, shape->capacity, sizeof key.capacity);
  known = g_hash_table_lookup (builder->fits, &key);
  if (known != NULL)
    return GPOINTER_TO_INT (known) - 1;
  g_array_set_size (scratch, 0);
  fits = append_day_blocks (builder->campaign, builder->rule, day, scratch, NULL);
  g_hash_table_insert (builder->fits, g_memdup2 (&key, sizeof key), GINT_TO_POINTER (fits + 1));
  return fits;
}

static gboolean
same_windows (const GArray *a, const GArray *b)
{
  guint n = a != NULL ? a->len : 0;

  if (n != (b != NULL ? b->len : 0))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      const PdWindow *x = &g_array_index (a, PdWindow, i);
      const PdWindow *y = &g_array_index (b, PdWindow, i);

      if (x->start_minute != y->start_minute || x->end_minute != y->end_minute)
        return FALSE;
    }
  return TRUE;
}

/* Makes the builder's day shapes those of `rep`'s windows: kept when the
 * previous rep's were the same, forgotten else. A day's windows depend
 * on the rep's windows alone (and the campaign's time zone). */
static void
shapes_for_rep (PdScheduleBuilder *builder, const PdRep *rep)
{
  const PdCampaign *campaign = builder->campaign;

  if (builder->shape_of_day != NULL && same_windows (builder->shape_windows, rep->windows))
    return;
  if (builder->shape_of_day == NULL)
    {
      builder->n_campaign_days = g_date_compare (&campaign->start, &campaign->end) <= 0
        ? (guint) g_date_days_between (&campaign->start, &campaign->end) + 1 : 0;
      builder->shape_of_day = g_new (gint, MAX (builder->n_campaign_days, 1));
      builder->shapes = g_array_new (FALSE, FALSE, sizeof (DayShape));
    }
  for (guint i = 0; i < builder->n_campaign_days; i++)
    builder->shape_of_day[i] = SHAPE_UNKNOWN;
  g_clear_pointer (&builder->shape_windows, g_array_unref);
  builder->shape_windows = g_array_new (FALSE, FALSE, sizeof (PdWindow));
  if (rep->windows != NULL)
    g_array_append_vals (builder->shape_windows, rep->windows->data, rep->windows->len);
}

/* The index in builder->shapes of `rep`'s day `date` (shapes_for_rep()
 * called for the rep), or SHAPE_NONE. */
static gint
day_shape_index (PdScheduleBuilder *builder, const PdRep *rep, const GDate *date)
{
  const PdCampaign *campaign = builder->campaign;
  gint64 offset = (gint64) g_date_get_julian (date) - (gint64) g_date_get_julian (&campaign->start);
  gint *slot;
  DayShape shape;

  if (offset < 0 || offset >= (gint64) builder->n_campaign_days)
    return SHAPE_NONE;
  slot = &builder->shape_of_day[offset];
  if (*slot != SHAPE_UNKNOWN)
    return *slot;
  *slot = SHAPE_NONE;
  if (day_shape (campaign, builder->rule, rep, date, &shape))
    {
      guint i;

      for (i = 0; i < builder->shapes->len; i++)
        if (memcmp (&g_array_index (builder->shapes, DayShape, i), &shape, sizeof shape) == 0)
          break;
      if (i == builder->shapes->len)
        g_array_append_val (builder->shapes, shape);
      *slot = (gint) i;
    }
  return *slot;
}

/* Whether `day` fits, as append_day_blocks() decides it. */
static gboolean
day_fits_uncached (PdScheduleBuilder *builder, const PdDay *day, GArray *scratch)
{
  const PdRep *rep = g_ptr_array_index (builder->campaign->reps, day->rep_index);
  DayShape shape;

  if (!day_shape (builder->campaign, builder->rule, rep, &day->date, &shape) || builder->rule->per_block <= 0)
    {
      g_array_set_size (scratch, 0);
      return append_day_blocks (builder->campaign, builder->rule, day, scratch, NULL);
    }
  return shaped_day_fits (builder, day, &shape, scratch);
}

/* The block rule and the caches of whether days fit, made once. */
static void
builder_checks_init (PdScheduleBuilder *builder)
{
  if (builder->rule != NULL)
    return;
  builder->rule = g_new (BlockRule, 1);
  block_rule_init (builder->campaign, builder->rule);
  builder->fits = g_hash_table_new_full (fit_key_hash, fit_key_equal, g_free, NULL);
  builder->calendars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
}

/* The last answers for one rep's days, by shape and contacts: a rep's
 * days take two loads per segment and a few shapes, so a handful of
 * them answer nearly every day without hashing a FitKey. */
#define FIT_MEMO 8
typedef struct {
  gint shape;
  gint64 contacts;
  gboolean fits;
} FitMemo;

PdSchedule *
pd_schedule_builder_rep_days (PdScheduleBuilder *builder, guint rep_index, GError **error)
{
  g_return_val_if_fail (builder != NULL, NULL);
  g_return_val_if_fail (rep_index < builder->campaign->reps->len, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_autoptr (PdSchedule) schedule = pd_schedule_builder_start (builder);
  g_autoptr (GArray) scratch = g_array_new (FALSE, FALSE, sizeof (PdBlock));
  const PdRep *rep = g_ptr_array_index (builder->campaign->reps, rep_index);
  FitMemo memo[FIT_MEMO];
  guint n_memo = 0, next_memo = 0;

  builder_checks_init (builder);
  if (!append_baseline_days (builder->campaign, rep_index, g_array_index (builder->rep_contacts, gint64, rep_index),
                             builder->history, builder->calendars, schedule->days, error))
    return NULL;
  shapes_for_rep (builder, rep);
  for (guint i = 0; i < schedule->days->len; i++)
    {
      const PdDay *day = &g_array_index (schedule->days, PdDay, i);
      gboolean fits = TRUE;

      if (day->contacts > 0 && day->minutes > 0)
        {
          gint shape = builder->rule->per_block > 0 ? day_shape_index (builder, rep, &day->date) : SHAPE_NONE;
          guint m;

          for (m = 0; shape != SHAPE_NONE && m < n_memo; m++)
            if (memo[m].shape == shape && memo[m].contacts == day->contacts)
              break;
          if (shape == SHAPE_NONE)
            fits = day_fits_uncached (builder, day, scratch);
          else if (m < n_memo)
            fits = memo[m].fits;
          else
            {
              fits = shaped_day_fits (builder, day, &g_array_index (builder->shapes, DayShape, shape), scratch);
              memo[next_memo] = (FitMemo) { shape, day->contacts, fits };
              next_memo = (next_memo + 1) % FIT_MEMO;
              n_memo = MIN (n_memo + 1, FIT_MEMO);
            }
        }
      /* A day that does not fit: its error as the blocks give it. */
      if (!fits)
        {
          g_array_set_size (scratch, 0);
          if (!append_day_blocks (builder->campaign, builder->rule, day, scratch, error))
            return NULL;
        }
    }
  return g_steal_pointer (&schedule);
}

/* ------------------------------------------------------------ curves */

/* The days of one calendar's reps that share a set of windows, by shape
 * (positions into the calendar's days): the days a load may not fit. */
typedef struct {
  GArray *windows;      /* PdWindow: the reps' windows */
  GPtrArray *by_shape;  /* per index into builder->shapes: GArray of guint, ascending; NULL when none */
  GArray *unshaped;     /* guint, ascending: days of no shape (SHAPE_NONE), each asked alone */
} CurveShapes;

/* A calendar's available days in the campaign (start, workdays and days
 * off decide them). */
typedef struct _CurveCalendar {
  GArray *days;         /* guint32, Julian days, ascending */
  GPtrArray *shapes;    /* CurveShapes, one per set of windows of the calendar's reps */
} CurveCalendar;

/* A segment of the curve: the days at positions [first, end) of the
 * calendar, the first `remainder` of them taking each + 1 contacts, the
 * others `each`, from `before`. */
typedef struct {
  guint first;
  guint end;
  gint64 before;
  gint64 each;
  gint64 remainder;
} CurveSegment;

/* A kept day with a load: its position and the rep's cumulative there. */
typedef struct {
  guint position;
  gint64 cumulative;
} CurveKept;

/* A kept load, for the builder's sorted copy of the campaign's history. */
typedef struct {
  gint64 key;           /* rep << 32 | Julian day */
  gint64 contacts;
  guint order;          /* in campaign->history: the last of equal keys counts */
} HistoryLoad;

struct _PdScheduleCurve {
  gint64 total;
  const guint32 *days;  /* the rep's calendar's, borrowed from the builder */
  guint n_days;
  guint history_end;    /* positions before it are kept history */
  GArray *kept;         /* CurveKept, by position: the kept days with a load */
  GArray *segments;     /* CurveSegment, by position */
};

static void
positions_free (gpointer data)
{
  if (data != NULL)
    g_array_unref (data);
}

static void
curve_shapes_free (gpointer data)
{
  CurveShapes *shapes = data;

  g_array_unref (shapes->windows);
  g_ptr_array_unref (shapes->by_shape);
  g_array_unref (shapes->unshaped);
  g_free (shapes);
}

static void
curve_calendar_free (gpointer data)
{
  CurveCalendar *calendar = data;

  g_array_unref (calendar->days);
  g_ptr_array_unref (calendar->shapes);
  g_free (calendar);
}

/* The number of days of `days` (ascending) before `julian` (or on it,
 * with `on`). */
static guint
days_before (const guint32 *days, guint n, guint32 julian, gboolean on)
{
  guint low = 0, high = n;

  while (low < high)
    {
      guint mid = low + (high - low) / 2;

      if (days[mid] < julian || (on && days[mid] == julian))
        low = mid + 1;
      else
        high = mid;
    }
  return low;
}

static guint
positions_from (const GArray *positions, guint position)
{
  guint low = 0, high = positions->len;

  while (low < high)
    {
      guint mid = low + (high - low) / 2;

      if (g_array_index (positions, guint, mid) < position)
        low = mid + 1;
      else
        high = mid;
    }
  return low;
}

static guint32
julian_or_0 (const GDate *date)
{
  GDate copy = *date;

  return g_date_valid (&copy) ? g_date_get_julian (&copy) : 0;
}

/* Whether two reps have the same available days: the same start,
 * workdays and days off (what pd_workcal_days_key() writes). */
static gboolean
same_calendar (const PdRep *a, const PdRep *b)
{
  guint n = a->days_off != NULL ? a->days_off->len : 0;

  if (julian_or_0 (&a->start) != julian_or_0 (&b->start) || a->workdays != b->workdays
      || n != (b->days_off != NULL ? b->days_off->len : 0))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      const PdDateRange *x = &g_array_index (a->days_off, PdDateRange, i);
      const PdDateRange *y = &g_array_index (b->days_off, PdDateRange, i);

      if (julian_or_0 (&x->first) != julian_or_0 (&y->first) || julian_or_0 (&x->last) != julian_or_0 (&y->last))
        return FALSE;
    }
  return TRUE;
}

/* The calendar of `rep`'s start, workdays and days off, made the first
 * time a rep of it asks: a rep with days off has the days of a rep like
 * it without them (a calendar kept too, made once), less its days off. */
static CurveCalendar *
curve_calendar_of (PdScheduleBuilder *builder, const PdRep *rep)
{
  const PdCampaign *campaign = builder->campaign;
  g_autofree char *key = pd_workcal_days_key (rep, &campaign->start, &campaign->end);
  CurveCalendar *calendar;

  if (builder->curve_calendars == NULL)
    builder->curve_calendars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, curve_calendar_free);
  calendar = g_hash_table_lookup (builder->curve_calendars, key);
  if (calendar != NULL)
    return calendar;
  calendar = g_new0 (CurveCalendar, 1);
  if (rep->days_off != NULL && rep->days_off->len > 0)
    {
      PdRep bare = *rep; /* read by pd_workcal_days_key () and _is_available () only */
      const CurveCalendar *all;
      g_autofree guint32 *off = g_new (guint32, 2 * rep->days_off->len);

      bare.days_off = NULL;
      all = curve_calendar_of (builder, &bare);
      for (guint i = 0; i < rep->days_off->len; i++)
        {
          PdDateRange range = g_array_index (rep->days_off, PdDateRange, i);

          off[2 * i] = g_date_get_julian (&range.first);
          off[2 * i + 1] = g_date_get_julian (&range.last);
        }
      calendar->days = g_array_sized_new (FALSE, FALSE, sizeof (guint32), all->days->len);
      for (guint p = 0; p < all->days->len; p++)
        {
          guint32 julian = g_array_index (all->days, guint32, p);
          gboolean day_off = FALSE;

          for (guint i = 0; i < rep->days_off->len && !day_off; i++)
            day_off = off[2 * i] <= julian && julian <= off[2 * i + 1];
          if (!day_off)
            g_array_append_val (calendar->days, julian);
        }
    }
  else
    {
      g_autoptr (GArray) dates = pd_workcal_available_days (campaign, rep, &campaign->start, &campaign->end);

      calendar->days = g_array_sized_new (FALSE, FALSE, sizeof (guint32), dates->len);
      for (guint i = 0; i < dates->len; i++)
        {
          guint32 julian = g_date_get_julian (&g_array_index (dates, GDate, i));

          g_array_append_val (calendar->days, julian);
        }
    }
  calendar->shapes = g_ptr_array_new_with_free_func (curve_shapes_free);
  g_hash_table_insert (builder->curve_calendars, g_steal_pointer (&key), calendar);
  return calendar;
}

/* The rep's calendar (a rep of the same calendar as the rep before finds
 * it without its key). */
static CurveCalendar *
curve_calendar (PdScheduleBuilder *builder, const PdRep *rep)
{
  if (builder->last_rep == NULL || !same_calendar (builder->last_rep, rep))
    builder->last_calendar = curve_calendar_of (builder, rep);
  builder->last_rep = rep;
  return builder->last_calendar;
}

/* The shapes of the calendar's days for `rep`'s windows, made the first
 * time a rep with those windows asks. */
static const CurveShapes *
curve_shapes (PdScheduleBuilder *builder, CurveCalendar *calendar, const PdRep *rep)
{
  CurveShapes *shapes;

  for (guint i = 0; i < calendar->shapes->len; i++)
    {
      shapes = g_ptr_array_index (calendar->shapes, i);
      if (same_windows (shapes->windows, rep->windows))
        return shapes;
    }
  shapes = g_new0 (CurveShapes, 1);
  shapes->windows = g_array_new (FALSE, FALSE, sizeof (PdWindow));
  if (rep->windows != NULL)
    g_array_append_vals (shapes->windows, rep->windows->data, rep->windows->len);
  shapes->by_shape = g_ptr_array_new_with_free_func (positions_free);
  shapes->unshaped = g_array_new (FALSE, FALSE, sizeof (guint));
  shapes_for_rep (builder, rep);
  for (guint p = 0; p < calendar->days->len; p++)
    {
      GDate date;
      gint shape;

      g_date_clear (&date, 1);
      g_date_set_julian (&date, g_array_index (calendar->days, guint32, p));
      shape = builder->rule->per_block > 0 ? day_shape_index (builder, rep, &date) : SHAPE_NONE;
      if (shape == SHAPE_NONE)
        {
          g_array_append_val (shapes->unshaped, p);
          continue;
        }
      if ((guint) shape >= shapes->by_shape->len)
        g_ptr_array_set_size (shapes->by_shape, shape + 1);
      if (g_ptr_array_index (shapes->by_shape, shape) == NULL)
        g_ptr_array_index (shapes->by_shape, shape) = g_array_new (FALSE, FALSE, sizeof (guint));
      g_array_append_val (g_ptr_array_index (shapes->by_shape, shape), p);
    }
  g_ptr_array_add (calendar->shapes, shapes);
  return shapes;
}

static gint
compare_history_loads (gconstpointer a, gconstpointer b)
{
  const HistoryLoad *x = a, *y = b;

  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return (x->order > y->order) - (x->order < y->order);
}

/* The kept history sorted by (rep, day), made once. */
static const GArray *
history_loads (PdScheduleBuilder *builder)
{
  const GArray *history = builder->campaign->history;

  if (builder->history_loads == NULL)
    {
      builder->history_loads = g_array_sized_new (FALSE, FALSE, sizeof (HistoryLoad), history->len);
      for (guint i = 0; i < history->len; i++)
        {
          const PdPlannedDay *kept = &g_array_index (history, PdPlannedDay, i);
          GDate date = kept->date;
          HistoryLoad load = { (gint64) kept->rep_index << 32 | g_date_get_julian (&date), kept->contacts, i };

          g_array_append_val (builder->history_loads, load);
        }
      g_array_sort (builder->history_loads, compare_history_loads);
    }
  return builder->history_loads;
}

/* The segments of a curve as walk_segments() gives them. */
typedef struct {
  PdScheduleCurve *curve;
  guint first;          /* the days counted last: [first, end) */
  guint end;
} CurveSink;

static guint
curve_sink_count (gpointer data, const GDate *first, const GDate *last)
{
  CurveSink *sink = data;
  const PdScheduleCurve *curve = sink->curve;

  sink->first = days_before (curve->days, curve->n_days, g_date_get_julian (first), FALSE);
  sink->end = MAX (days_before (curve->days, curve->n_days, g_date_get_julian (last), TRUE), sink->first);
  return sink->end - sink->first;
}

static void
curve_sink_spread (gpointer data, gint64 due, gint64 before)
{
  CurveSink *sink = data;
  guint n = sink->end - sink->first;
  CurveSegment segment = { sink->first, sink->end, before, n > 0 ? due / n : 0, n > 0 ? due % n : 0 };

  g_array_append_val (sink->curve->segments, segment);
}

/* Whether a load of `contacts` fits on each of the rep's days at
 * positions [first, end); FALSE with the error of the first that does
 * not. Days of one shape take the same answer (FitKey): the first of
 * each shape in the range is asked, and the earliest failing is named. */
static gboolean
curve_range_fits (PdScheduleBuilder *builder, const PdScheduleCurve *curve, const CurveShapes *shapes,
                  guint rep_index, guint first, guint end, gint64 contacts, GArray *scratch, GError **error)
{
  PdDay day = { .rep_index = rep_index, .contacts = contacts };
  guint failing = end;

  day.minutes = day_minutes (builder->campaign, contacts);
  if (first >= end || contacts <= 0 || day.minutes <= 0)
    return TRUE;
  g_date_clear (&day.date, 1);
  for (guint s = 0; s < shapes->by_shape->len; s++)
    {
      const GArray *positions = g_ptr_array_index (shapes->by_shape, s);
      guint i, p;

      if (positions == NULL || (i = positions_from (positions, first)) == positions->len
          || (p = g_array_index (positions, guint, i)) >= failing)
        continue;
      g_date_set_julian (&day.date, curve->days[p]);
      if (!shaped_day_fits (builder, &day, &g_array_index (builder->shapes, DayShape, s), scratch))
        failing = p;
    }
  for (guint i = positions_from (shapes->unshaped, first); i < shapes->unshaped->len; i++)
    {
      guint p = g_array_index (shapes->unshaped, guint, i);

      if (p >= failing)
        break;
      g_date_set_julian (&day.date, curve->days[p]);
      if (!day_fits_uncached (builder, &day, scratch))
        failing = p;
    }
  if (failing == end)
    return TRUE;
  g_date_set_julian (&day.date, curve->days[failing]);
  g_array_set_size (scratch, 0);
  return append_day_blocks (builder->campaign, builder->rule, &day, scratch, error);
}

/* The kept history of rep `rep_index`: its kept loads on its available
 * days up to history_through, summed. */
static void
curve_history (PdScheduleBuilder *builder, PdScheduleCurve *curve, guint rep_index)
{
  const PdCampaign *campaign = builder->campaign;
  const GArray *loads = history_loads (builder);
  GDate through = campaign->history_through;
  const HistoryLoad *load;
  gint64 cumulative = 0;
  guint i, low = 0, high = loads->len;

  if (g_date_compare (&through, &campaign->end) > 0)
    through = campaign->end;
  curve->history_end = days_before (curve->days, curve->n_days, g_date_get_julian (&through), TRUE);
  while (low < high)
    {
      guint mid = low + (high - low) / 2;

      if (g_array_index (loads, HistoryLoad, mid).key < (gint64) rep_index << 32)
        low = mid + 1;
      else
        high = mid;
    }
  for (i = low; i < loads->len && (guint64) (load = &g_array_index (loads, HistoryLoad, i))->key >> 32 == rep_index;
       i++)
    {
      guint32 julian = (guint32) (load->key & G_MAXUINT32);
      guint p = days_before (curve->days, curve->history_end, julian, FALSE);

      /* The last of equal keys; a day that is not the rep's is not read. */
      if ((i + 1 < loads->len && g_array_index (loads, HistoryLoad, i + 1).key == load->key)
          || p == curve->history_end || curve->days[p] != julian || load->contacts == 0)
        continue;
      cumulative += load->contacts;
      g_array_append_val (curve->kept, ((CurveKept) { p, cumulative }));
    }
}

/* Whether each kept day fits, in date order: FALSE with the error of the
 * first that does not. */
static gboolean
curve_history_fits (PdScheduleBuilder *builder, const PdScheduleCurve *curve, guint rep_index, GArray *scratch,
                    GError **error)
{
  const PdRep *rep = g_ptr_array_index (builder->campaign->reps, rep_index);
  gint64 before = 0;

  for (guint i = 0; i < curve->kept->len; i++)
    {
      const CurveKept *kept = &g_array_index (curve->kept, CurveKept, i);
      PdDay day = { .rep_index = rep_index, .contacts = kept->cumulative - before };
      gint shape;

      before = kept->cumulative;
      day.minutes = day_minutes (builder->campaign, day.contacts);
      if (day.contacts <= 0 || day.minutes <= 0)
        continue;
      g_date_clear (&day.date, 1);
      g_date_set_julian (&day.date, curve->days[kept->position]);
      shape = builder->rule->per_block > 0 ? day_shape_index (builder, rep, &day.date) : SHAPE_NONE;
      if (shape == SHAPE_NONE ? day_fits_uncached (builder, &day, scratch)
                              : shaped_day_fits (builder, &day, &g_array_index (builder->shapes, DayShape, shape),
                                                 scratch))
        continue;
      g_array_set_size (scratch, 0);
      return append_day_blocks (builder->campaign, builder->rule, &day, scratch, error);
    }
  return TRUE;
}

PdScheduleCurve *
pd_schedule_builder_rep_curve (PdScheduleBuilder *builder, guint rep_index, GError **error)
{
  g_return_val_if_fail (builder != NULL, NULL);
  g_return_val_if_fail (rep_index < builder->campaign->reps->len, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  const PdCampaign *campaign = builder->campaign;
  const PdRep *rep = g_ptr_array_index (campaign->reps, rep_index);
  g_autoptr (PdScheduleCurve) curve = g_new0 (PdScheduleCurve, 1);
  GArray *scratch;
  CurveSink curve_sink = { curve, 0, 0 };
  SegmentSink sink = { curve_sink_count, curve_sink_spread, &curve_sink };
  CurveCalendar *calendar;
  const CurveShapes *shapes;
  GDate first = campaign->start;
  gint64 kept_total = 0;

  builder_checks_init (builder);
  if (builder->scratch == NULL)
    builder->scratch = g_array_new (FALSE, FALSE, sizeof (PdBlock));
  scratch = builder->scratch;
  calendar = curve_calendar (builder, rep);
  curve->total = g_array_index (builder->rep_contacts, gint64, rep_index);
  curve->days = (const guint32 *) (gconstpointer) calendar->days->data;
  curve->n_days = calendar->days->len;
  curve->kept = g_array_new (FALSE, FALSE, sizeof (CurveKept));
  /* At most a segment per checkpoint, and one for the end when the
   * list stops short of it (walk_segments()). */
  curve->segments = g_array_sized_new (FALSE, FALSE, sizeof (CurveSegment), campaign->checkpoints->len + 1);

  /* Every day is made before any is checked (pd_schedule_builder_rep_days()):
   * the segments' error comes first, then the first day, kept or not,
   * that does not fit. */
  if (builder->history != NULL)
    {
      GDate through = campaign->history_through;

      if (g_date_compare (&through, &campaign->end) > 0)
        through = campaign->end;
      first = through;
      g_date_add_days (&first, 1);
      curve_history (builder, curve, rep_index);
      if (curve->kept->len > 0)
        kept_total = g_array_index (curve->kept, CurveKept, curve->kept->len - 1).cumulative;
    }
  if (!walk_segments (campaign, rep, curve->total, first, kept_total, &sink, error)
      || !curve_history_fits (builder, curve, rep_index, scratch, error))
    return NULL;
  shapes = curve_shapes (builder, calendar, rep);
  for (guint i = 0; i < curve->segments->len; i++)
    {
      const CurveSegment *segment = &g_array_index (curve->segments, CurveSegment, i);
      guint split = segment->first + (guint) segment->remainder;

      if (!curve_range_fits (builder, curve, shapes, rep_index, segment->first, split, segment->each + 1, scratch,
                             error)
          || !curve_range_fits (builder, curve, shapes, rep_index, split, segment->end, segment->each, scratch,
                                error))
        return NULL;
    }
  return g_steal_pointer (&curve);
}

void
pd_schedule_curve_free (PdScheduleCurve *curve)
{
  if (curve == NULL)
    return;
  g_clear_pointer (&curve->kept, g_array_unref);
  g_clear_pointer (&curve->segments, g_array_unref);
  g_free (curve);
}

gint64
pd_schedule_curve_total (const PdScheduleCurve *curve)
{
  g_return_val_if_fail (curve != NULL, 0);
  return curve->total;
}

/* The rep's cumulative at the end of its day at position p. */
static gint64
curve_cumulative (const PdScheduleCurve *curve, guint p)
{
  guint low = 0, high = curve->kept->len;
  const CurveSegment *segment;

  if (p < curve->history_end || curve->segments->len == 0
      || p < g_array_index (curve->segments, CurveSegment, 0).first)
    {
      /* The last kept load on or before it. */
      while (low < high)
        {
          guint mid = low + (high - low) / 2;

          if (g_array_index (curve->kept, CurveKept, mid).position <= p)
            low = mid + 1;
          else
            high = mid;
        }
      return low > 0 ? g_array_index (curve->kept, CurveKept, low - 1).cumulative : 0;
    }
  /* The last segment starting on or before it. */
  high = curve->segments->len;
  while (low < high)
    {
      guint mid = low + (high - low) / 2;

      if (g_array_index (curve->segments, CurveSegment, mid).first <= p)
        low = mid + 1;
      else
        high = mid;
    }
  segment = &g_array_index (curve->segments, CurveSegment, low - 1);
  gint64 k = (gint64) MIN (p + 1, segment->end) - segment->first;
  return segment->before + k * segment->each + MIN (k, segment->remainder);
}

gint64
pd_schedule_curve_planned_to_date (const PdScheduleCurve *curve, const GDate *date)
{
  g_return_val_if_fail (curve != NULL, 0);
  g_return_val_if_fail (date != NULL && g_date_valid (date), 0);

  guint k = days_before (curve->days, curve->n_days, g_date_get_julian (date), TRUE);
  return k > 0 ? curve_cumulative (curve, k - 1) : 0;
}

void
pd_schedule_curve_add_planned_to_dates (const PdScheduleCurve *curve, const GDate *dates, guint n, gint64 *planned)
{
  guint32 previous = 0;
  guint k = 0, segment = 0;

  g_return_if_fail (curve != NULL);
  g_return_if_fail (n == 0 || (dates != NULL && planned != NULL));
  for (guint i = 0; i < n; i++)
    {
      guint32 julian;

      g_return_if_fail (g_date_valid (&dates[i]));
      julian = g_date_get_julian (&dates[i]);
      /* The days on or before it, counted on from the previous date's
       * (from the first day again when the dates go back). */
      if (julian < previous)
        k = segment = 0;
      previous = julian;
      while (k < curve->n_days && curve->days[k] <= julian)
        k++;
      if (k == 0)
        continue;
      if (k - 1 < curve->history_end || curve->segments->len == 0
          || k - 1 < g_array_index (curve->segments, CurveSegment, 0).first)
        planned[i] += curve_cumulative (curve, k - 1);
      else
        {
          /* The last segment starting on or before it, walked on too. */
          const CurveSegment *on;
          gint64 days;

          while (segment + 1 < curve->segments->len
                 && g_array_index (curve->segments, CurveSegment, segment + 1).first <= k - 1)
            segment++;
          on = &g_array_index (curve->segments, CurveSegment, segment);
          days = (gint64) MIN (k, on->end) - on->first;
          planned[i] += on->before + days * on->each + MIN (days, on->remainder);
        }
    }
}

gboolean
pd_schedule_curve_day_reaching (const PdScheduleCurve *curve, const GDate *after, gint64 target, GDate *ret_date)
{
  g_return_val_if_fail (curve != NULL && ret_date != NULL, FALSE);
  g_return_val_if_fail (after != NULL && g_date_valid (after), FALSE);

  guint next = days_before (curve->days, curve->n_days, g_date_get_julian (after), TRUE);
  guint reaching = G_MAXUINT;

  g_date_clear (ret_date, 1);
  if (target <= 0)
    reaching = 0;
  else
    {
      /* The cumulative never goes down: the first kept day reaching it,
       * else the first segment's day. */
      guint low = 0, high = curve->kept->len;

      while (low < high)
        {
          guint mid = low + (high - low) / 2;

          if (g_array_index (curve->kept, CurveKept, mid).cumulative < target)
            low = mid + 1;
          else
            high = mid;
        }
      if (low < curve->kept->len)
        reaching = g_array_index (curve->kept, CurveKept, low).position;
      for (guint i = 0; reaching == G_MAXUINT && i < curve->segments->len; i++)
        {
          const CurveSegment *segment = &g_array_index (curve->segments, CurveSegment, i);
          gint64 n = segment->end - segment->first;
          gint64 need = target - segment->before;
          gint64 k;

          if (n == 0 || segment->before + n * segment->each + MIN (n, segment->remainder) < target)
            continue;
          /* The least k with k x each + min (k, remainder) >= need. */
          if (need <= segment->remainder * (segment->each + 1))
            k = (need + segment->each) / (segment->each + 1);
          else
            k = (need - segment->remainder + segment->each - 1) / segment->each;
          reaching = segment->first + (guint) MAX (k, 1) - 1;
        }
    }
  if (reaching == G_MAXUINT || next >= curve->n_days)
    return FALSE;
  g_date_set_julian (ret_date, curve->days[MAX (next, reaching)]);
  return TRUE;
}

guint
pd_schedule_curve_available_days (const PdScheduleCurve *curve, const GDate *from, const GDate *to)
{
  g_return_val_if_fail (curve != NULL, 0);
  g_return_val_if_fail (from != NULL && g_date_valid (from) && to != NULL && g_date_valid (to), 0);

  if (g_date_compare (from, to) > 0)
    return 0;
  return days_before (curve->days, curve->n_days, g_date_get_julian (to), TRUE)
         - days_before (curve->days, curve->n_days, g_date_get_julian (from), FALSE);
}

PdSchedule *
pd_schedule_build (const PdCampaign *campaign, const PdPlan *plan, GError **error)
{
  g_return_val_if_fail (campaign != NULL && campaign->reps != NULL, NULL);
  g_return_val_if_fail (plan != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_autoptr (PdScheduleBuilder) builder = pd_schedule_builder_new (campaign, plan);
  g_autoptr (PdSchedule) schedule = pd_schedule_builder_start (builder);

  for (guint r = 0; r < campaign->reps->len; r++)
    if (!pd_schedule_builder_append (builder, r, schedule, error))
      return NULL;
  return g_steal_pointer (&schedule);
}

/* ------------------------------------------------------------ catch-up */

/* The [first, end) range of rep `rep_index` in a schedule's days or blocks
 * (PdDay and PdBlock both begin with rep_index, and both arrays are sorted
 * by it): a binary search, so that per-rep work is not reps x days. */
G_STATIC_ASSERT (G_STRUCT_OFFSET (PdDay, rep_index) == 0);
G_STATIC_ASSERT (sizeof (PdDay) == 40);
G_STATIC_ASSERT (G_STRUCT_OFFSET (PdBlock, rep_index) == 0);

static guint
lower_bound (const GArray *array, guint element_size, guint rep_index)
{
  guint low = 0, high = array->len;

  while (low < high)
    {
      guint mid = low + (high - low) / 2;
      guint rep = *(const guint *) (gconstpointer) (array->data + (gsize) mid * element_size);

      if (rep < rep_index)
        low = mid + 1;
      else
        high = mid;
    }
  return low;
}

static void
rep_range (const GArray *array, guint element_size, guint rep_index, guint *ret_first, guint *ret_end)
{
  *ret_first = lower_bound (array, element_size, rep_index);
  *ret_end = rep_index == G_MAXUINT ? array->len : lower_bound (array, element_size, rep_index + 1);
}

/* Does a day of `contacts` for the rep fit on `date` (rule 3)? */
static gboolean
day_fits (const PdCampaign *campaign, BlockRule *rule, guint rep_index, const GDate *date, gint64 contacts,
          GArray *scratch)
{
  PdDay day = { .rep_index = rep_index, .date = *date, .contacts = contacts };

  day.minutes = day_minutes (campaign, contacts);
  day.cumulative = contacts;
  g_array_set_size (scratch, 0);
  return append_day_blocks (campaign, rule, &day, scratch, NULL);
}

static gint64
day_capacity (const PdCampaign *campaign, BlockRule *rule, guint rep_index, const GDate *date,
              GArray *scratch)
{
  const PdRep *rep = g_ptr_array_index (campaign->reps, rep_index);
  g_autoptr (GArray) windows = pd_workcal_day_windows (campaign, rep, date);
  gint64 window_minutes = 0;

  for (guint i = 0; i < windows->len; i++)
    {
      const PdWindow *window = &g_array_index (windows, PdWindow, i);
      window_minutes += window->end_minute - window->start_minute;
    }
  if (campaign->plan.minutes_per_contact <= 0)
    return G_MAXINT32; /* calls take no time: any load fits */

  /* The minutes bound the contacts from above; the blocks (whole minutes,
   * at least one contact each) may hold fewer: the largest that fits. */
  gint64 high = pd_muldiv_saturated (MIN (window_minutes, (gint64) rep->max_daily_minutes), PD_MILLI,
                                     campaign->plan.minutes_per_contact, PD_ROUNDING_DOWN);
  gint64 low = 0;

  if (high <= 0 || day_fits (campaign, rule, rep_index, date, high, scratch))
    return MAX (high, 0);
  while (high - low > 1) /* low fits, high does not */
    {
      gint64 mid = low + (high - low) / 2;

      if (day_fits (campaign, rule, rep_index, date, mid, scratch))
        low = mid;
      else
        high = mid;
    }
  return low;
}

gint64
pd_schedule_day_capacity (const PdCampaign *campaign, guint rep_index, const GDate *date)
{
  g_return_val_if_fail (campaign != NULL && campaign->reps != NULL, 0);
  g_return_val_if_fail (rep_index < campaign->reps->len, 0);
  g_return_val_if_fail (date != NULL && g_date_valid (date), 0);

  g_autoptr (GArray) scratch = g_array_new (FALSE, FALSE, sizeof (PdBlock));
  g_autofree BlockRule *rule = g_new (BlockRule, 1);

  block_rule_init (campaign, rule);
  return day_capacity (campaign, rule, rep_index, date, scratch);
}

/* `needed` contacts over n days, evenly, the remainder one each to the
 * earliest; a day whose share passes its capacity keeps its capacity and
 * the rest is spread again over the others. The capacities must hold
 * `needed` in all. */
static void
spread_within (gint64 needed, const gint64 *capacities, guint n, gint64 *loads)
{
  g_autofree gboolean *full = g_new0 (gboolean, MAX (n, 1));
  guint open = n;
  gint64 left = needed;
  gboolean again = TRUE;

  while (again && open > 0)
    {
      gint64 each = left / open, remainder = left % open;
      guint seen = 0;

      again = FALSE;
      for (guint i = 0; i < n; i++)
        if (!full[i])
          loads[i] = each + ((gint64) seen++ < remainder ? 1 : 0);
      for (guint i = 0; i < n; i++)
        if (!full[i] && loads[i] > capacities[i])
          {
            loads[i] = capacities[i];
            full[i] = TRUE;
            open--;
            left -= capacities[i];
            again = TRUE;
          }
    }
}

/* One rep's loads from `from` on (rule 5, see schedule.h): `days` are the
 * baseline's days of the rep from `from` on, n of them; `before` the
 * baseline's cumulative before them. */
static void
respread_rep (const PdCampaign *campaign, guint rep_index, const PdDay *days, guint n,
              gint64 before, const GDate *from, PdRespread *info, gint64 *loads)
{
  g_autoptr (GArray) scratch = g_array_new (FALSE, FALSE, sizeof (PdBlock));
  g_autofree BlockRule *rule = g_new (BlockRule, 1);
  g_autofree gint64 *capacities = g_new0 (gint64, MAX (n, 1));
  gint64 actual = info->actual;
  guint reached = n;

  block_rule_init (campaign, rule);
  for (guint i = 0; i < n; i++)
    loads[i] = days[i].contacts;
  info->checkpoint = -1;
  for (guint k = 0; campaign->checkpoints != NULL && k < campaign->checkpoints->len; k++)
    {
      GDate date = g_array_index (campaign->checkpoints, PdCheckpoint, k).date;
      if (g_date_compare (&date, from) >= 0)
        {
          info->checkpoint = (gint) k;
          break;
        }
    }
  if (info->shortfall <= 0)
    return;

  /* Back on the curve by the next checkpoint: its days in [from, date]. */
  guint m = 0;
  if (info->checkpoint >= 0)
    {
      GDate date = g_array_index (campaign->checkpoints, PdCheckpoint, info->checkpoint).date;
      while (m < n && g_date_compare (&days[m].date, &date) <= 0)
        m++;
    }
  if (m > 0)
    {
      gint64 needed = days[m - 1].cumulative - actual, room = 0;

      for (guint i = 0; i < m; i++)
        {
          capacities[i] = day_capacity (campaign, rule, rep_index, &days[i].date, scratch);
          room = MIN (room + capacities[i], G_MAXINT64 / 2);
        }
      if (room >= needed)
        {
          spread_within (needed, capacities, m, loads);
          info->on_time = TRUE;
          reached = m - 1;
        }
    }

  /* Else as early as the capacity allows. */
  if (!info->on_time)
    {
      gint64 cumulative = actual;

      for (guint i = 0; i < n && reached == n; i++)
        {
          gint64 capacity = day_capacity (campaign, rule, rep_index, &days[i].date, scratch);

          loads[i] = MIN (capacity, days[i].cumulative - cumulative);
          cumulative += loads[i];
          if (cumulative >= days[i].cumulative)
            reached = i;
        }
      if (reached == n)
        info->uncovered = (n > 0 ? days[n - 1].cumulative : before) - cumulative;
    }

  info->days = reached < n ? reached + 1 : n;
  if (reached < n)
    info->back_on = days[reached].date;
  for (guint i = 0; i < info->days; i++)
    {
      info->contacts += loads[i];
      info->most = MAX (info->most, loads[i]);
    }
}

/* One rep's days from `from` on, re-spread (see pd_schedule_respread),
 * appended to `days` with their blocks to `blocks`. `history` is the
 * rep's cumulative figure on its last day before `from` in the schedule
 * in force; `actual` < 0: the rep is on the baseline. */
static gboolean
respread_ahead (const PdCampaign *campaign, const PdSchedule *baseline, const GDate *from, guint r,
                gint64 actual, gint64 history, GArray *days_out, GArray *blocks, PdRespread *info,
                GError **error)
{
  guint first, end;

  memset (info, 0, sizeof *info);
  g_date_clear (&info->back_on, 1);
  rep_range (baseline->days, sizeof (PdDay), r, &first, &end);
  guint ahead = first;
  while (ahead < end && g_date_compare (&g_array_index (baseline->days, PdDay, ahead).date, from) < 0)
    ahead++;
  gint64 before = ahead > first ? g_array_index (baseline->days, PdDay, ahead - 1).cumulative : 0;
  guint n = end - ahead;
  const PdDay *days = n > 0 ? &g_array_index (baseline->days, PdDay, ahead) : NULL;
  g_autofree gint64 *loads = g_new0 (gint64, MAX (n, 1));

  info->actual = actual >= 0 ? actual : before;
  info->shortfall = MAX (before - info->actual, 0);
  respread_rep (campaign, r, days, n, before, from, info, loads);

  guint first_day = days_out->len;
  gint64 cumulative = info->actual;
  for (guint i = 0; i < n; i++)
    {
      PdDay day = days[i];

      day.contacts = loads[i];
      day.minutes = day_minutes (campaign, day.contacts);
      cumulative += day.contacts;
      day.cumulative = cumulative;
      day.rebased = i == 0 && info->actual != history;
      g_array_append_val (days_out, day);
    }
  return append_blocks (campaign, days_out, first_day, blocks, error);
}

/* The rep's cumulative figure on its last day before `from` in `current`. */
static gint64
history_before (const PdSchedule *current, guint r, const GDate *from)
{
  gint64 history = 0;
  guint first, end;

  rep_range (current->days, sizeof (PdDay), r, &first, &end);
  for (guint i = first; i < end; i++)
    {
      const PdDay *day = &g_array_index (current->days, PdDay, i);
      if (g_date_compare (&day->date, from) >= 0)
        break;
      history = day->cumulative;
    }
  return history;
}

PdSchedule *
pd_schedule_respread (const PdCampaign *campaign,
                      const PdSchedule *baseline,
                      const PdSchedule *current,
                      const GDate *from,
                      const gint64 *actual,
                      GArray **ret_reps,
                      GError **error)
{
  g_return_val_if_fail (campaign != NULL && campaign->reps != NULL, NULL);
  g_return_val_if_fail (baseline != NULL && current != NULL, NULL);
  g_return_val_if_fail (from != NULL && g_date_valid (from), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_autoptr (PdSchedule) schedule = schedule_new ();
  g_autoptr (GArray) reps = g_array_sized_new (FALSE, TRUE, sizeof (PdRespread), campaign->reps->len);
  g_array_append_vals (schedule->rep_contacts, baseline->rep_contacts->data,
                       baseline->rep_contacts->len);
  g_array_set_size (reps, campaign->reps->len);

  for (guint r = 0; r < campaign->reps->len; r++)
    {
      PdRespread *info = &g_array_index (reps, PdRespread, r);
      gint64 history = 0;

      /* Frozen history: the current schedule's days and blocks before `from`. */
      guint first, end, first_history = schedule->days->len;
      rep_range (current->days, sizeof (PdDay), r, &first, &end);
      for (guint i = first; i < end; i++)
        {
          const PdDay *day = &g_array_index (current->days, PdDay, i);
          if (g_date_compare (&day->date, from) < 0)
            {
              g_array_append_val (schedule->days, *day);
              history = day->cumulative;
            }
        }
      if (current->blocks == NULL)
        {
          /* A schedule of days only: the history's blocks made from them. */
          guint kept = schedule->days->len - first_history;

          if (kept > 0
              && !pd_schedule_append_blocks (campaign, &g_array_index (schedule->days, PdDay, first_history), kept,
                                             schedule->blocks, error))
            return NULL;
        }
      else
        {
          rep_range (current->blocks, sizeof (PdBlock), r, &first, &end);
          for (guint i = first; i < end; i++)
            {
              const PdBlock *block = &g_array_index (current->blocks, PdBlock, i);
              if (g_date_compare (&block->date, from) < 0)
                g_array_append_val (schedule->blocks, *block);
            }
        }

      /* From `from` on: the baseline's days, their loads re-spread. */
      if (!respread_ahead (campaign, baseline, from, r, actual != NULL ? MAX (actual[r], 0) : -1, history,
                           schedule->days, schedule->blocks, info, error))
        return NULL;
    }
  if (ret_reps != NULL)
    *ret_reps = g_steal_pointer (&reps);
  return g_steal_pointer (&schedule);
}

gboolean
pd_schedule_respread_rep (const PdCampaign *campaign,
                          const PdSchedule *baseline,
                          const PdSchedule *current,
                          const GDate *from,
                          guint rep_index,
                          gint64 actual,
                          GArray *days,
                          GArray *blocks,
                          PdRespread *ret_respread,
                          GError **error)
{
  g_return_val_if_fail (campaign != NULL && campaign->reps != NULL, FALSE);
  g_return_val_if_fail (rep_index < campaign->reps->len, FALSE);
  g_return_val_if_fail (baseline != NULL && current != NULL, FALSE);
  g_return_val_if_fail (from != NULL && g_date_valid (from), FALSE);
  g_return_val_if_fail (days != NULL && blocks != NULL && ret_respread != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return respread_ahead (campaign, baseline, from, rep_index, MAX (actual, 0),
                         history_before (current, rep_index, from), days, blocks, ret_respread, error);
}

/* Replaces elements [first, end) of `array` by n elements of `values`,
 * moving the tail once. */
static void
replace_range (GArray *array, guint element_size, guint first, guint end, gconstpointer values, guint n)
{
  guint old = end - first, common = MIN (old, n);

  if (common > 0)
    memcpy (array->data + (gsize) first * element_size, values, (gsize) common * element_size);
  if (n < old)
    g_array_remove_range (array, first + n, old - n);
  else if (n > old)
    g_array_insert_vals (array, end, (const char *) values + (gsize) common * element_size, n - old);
}

void
pd_schedule_replace_ahead (PdSchedule *schedule,
                           guint rep_index,
                           const GDate *from,
                           const GArray *days,
                           const GArray *blocks)
{
  guint first, end;

  g_return_if_fail (schedule != NULL && from != NULL && days != NULL && blocks != NULL);

  rep_range (schedule->days, sizeof (PdDay), rep_index, &first, &end);
  while (first < end && g_date_compare (&g_array_index (schedule->days, PdDay, first).date, from) < 0)
    first++;
  replace_range (schedule->days, sizeof (PdDay), first, end, days->data, days->len);
  if (schedule->blocks == NULL)
    return; /* a schedule of days only */
  rep_range (schedule->blocks, sizeof (PdBlock), rep_index, &first, &end);
  while (first < end && g_date_compare (&g_array_index (schedule->blocks, PdBlock, first).date, from) < 0)
    first++;
  replace_range (schedule->blocks, sizeof (PdBlock), first, end, blocks->data, blocks->len);
}

void
pd_schedule_replace_days_ahead (PdSchedule *schedule,
                                guint rep_index,
                                const GDate *from,
                                const GArray *days)
{
  guint first, end;

  g_return_if_fail (schedule != NULL && from != NULL && days != NULL);

  rep_range (schedule->days, sizeof (PdDay), rep_index, &first, &end);
  while (first < end && g_date_compare (&g_array_index (schedule->days, PdDay, first).date, from) < 0)
    first++;
  replace_range (schedule->days, sizeof (PdDay), first, end, days->data, days->len);
}

gboolean
pd_schedule_make_blocks (const PdCampaign *campaign,
                         PdSchedule *schedule,
                         GError **error)
{
  g_return_val_if_fail (campaign != NULL && schedule != NULL && schedule->days != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_autofree BlockRule *rule = g_new (BlockRule, 1);
  g_autoptr (GArray) scratch = g_array_new (FALSE, FALSE, sizeof (PdBlock));
  gsize total = 0;

  g_clear_pointer (&schedule->blocks, g_array_unref);
  block_rule_init (campaign, rule);
  for (guint i = 0; i < schedule->days->len; i++)
    {
      g_array_set_size (scratch, 0);
      if (!append_day_blocks (campaign, rule, &g_array_index (schedule->days, PdDay, i), scratch, error))
        {
          schedule->blocks = g_array_new (FALSE, FALSE, sizeof (PdBlock));
          return FALSE;
        }
      total += scratch->len;
    }
  schedule->blocks = g_array_sized_new (FALSE, FALSE, sizeof (PdBlock), (guint) total);
  for (guint i = 0; i < schedule->days->len; i++)
    if (!append_day_blocks (campaign, rule, &g_array_index (schedule->days, PdDay, i), schedule->blocks, error))
      {
        g_array_set_size (schedule->blocks, 0);
        return FALSE;
      }
  return TRUE;
}

gint64
pd_schedule_planned_to_date (const PdSchedule *schedule,
                             guint rep_index,
                             const GDate *date)
{
  g_return_val_if_fail (schedule != NULL && schedule->days != NULL, 0);
  g_return_val_if_fail (date != NULL && g_date_valid (date), 0);

  guint first, end, low, high;
  rep_range (schedule->days, sizeof (PdDay), rep_index, &first, &end);
  /* A rep's days are by date: the last one on or before `date`. */
  low = first;
  high = end;
  while (low < high)
    {
      guint mid = low + (high - low) / 2;
      if (g_date_compare (&g_array_index (schedule->days, PdDay, mid).date, date) <= 0)
        low = mid + 1;
      else
        high = mid;
    }
  return low > first ? g_array_index (schedule->days, PdDay, low - 1).cumulative : 0;
}

/* Orders indices into an array of loads by rep, date, then index. */
static gint
compare_loads (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const PdDay *days = user_data;
  guint i = *(const guint *) a, j = *(const guint *) b;
  const PdDay *x = &days[i], *y = &days[j];
  int order;

  if (x->rep_index != y->rep_index)
    return x->rep_index < y->rep_index ? -1 : 1;
  if ((order = g_date_compare (&x->date, &y->date)) != 0)
    return order;
  return i < j ? -1 : i > j;
}

/* Does `load` come before (rep_index, date) in that order? */
static gboolean
load_before (const PdDay *load, guint rep_index, const GDate *date)
{
  if (load->rep_index != rep_index)
    return load->rep_index < rep_index;
  return g_date_compare (&load->date, date) < 0;
}

/* pd_schedule_from_days(), its blocks kept or (keep_blocks FALSE) only
 * made, a rep at a time, to check that every day fits. */
static PdSchedule *
from_days (const PdCampaign *campaign, const PdSchedule *baseline, const PdDay *days, guint n_days,
           gboolean keep_blocks, GError **error)
{
  g_autoptr (PdSchedule) schedule = schedule_new ();
  g_autoptr (GArray) scratch = keep_blocks ? NULL : g_array_new (FALSE, FALSE, sizeof (PdBlock));

  g_array_append_vals (schedule->rep_contacts, baseline->rep_contacts->data,
                       baseline->rep_contacts->len);

  /* The given loads in (rep, date) order, the later of two loads of one
   * day last; then one walk of them beside the baseline's days. */
  g_autofree guint *order = g_new (guint, MAX (n_days, 1));
  for (guint i = 0; i < n_days; i++)
    order[i] = i;
  g_qsort_with_data (order, (gint) n_days, sizeof *order, compare_loads, (gpointer) days);

  guint next = 0;
  for (guint r = 0; r < campaign->reps->len; r++)
    {
      gint64 cumulative = 0;
      guint first_day = schedule->days->len;
      guint first, end;

      rep_range (baseline->days, sizeof (PdDay), r, &first, &end);
      for (guint i = first; i < end; i++)
        {
          PdDay day = g_array_index (baseline->days, PdDay, i);
          const PdDay *load = NULL;

          while (next < n_days && load_before (&days[order[next]], r, &day.date))
            next++;
          while (next < n_days && days[order[next]].rep_index == r
                 && g_date_compare (&days[order[next]].date, &day.date) == 0)
            load = &days[order[next++]];
          day.contacts = load != NULL ? MAX (load->contacts, 0) : 0;
          day.minutes = day_minutes (campaign, day.contacts);
          day.rebased = load != NULL && load->rebased;
          if (day.rebased)
            cumulative = MAX (load->cumulative, day.contacts) - day.contacts;
          cumulative += day.contacts;
          day.cumulative = cumulative;
          g_array_append_val (schedule->days, day);
        }
      if (scratch != NULL)
        g_array_set_size (scratch, 0);
      if (!append_blocks (campaign, schedule->days, first_day, scratch != NULL ? scratch : schedule->blocks, error))
        return NULL;
    }
  if (!keep_blocks)
    g_clear_pointer (&schedule->blocks, g_array_unref);
  return g_steal_pointer (&schedule);
}

PdSchedule *
pd_schedule_from_days (const PdCampaign *campaign,
                       const PdSchedule *baseline,
                       const PdDay *days,
                       guint n_days,
                       GError **error)
{
  g_return_val_if_fail (campaign != NULL && baseline != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return from_days (campaign, baseline, days, n_days, TRUE, error);
}

PdSchedule *
pd_schedule_from_days_only (const PdCampaign *campaign,
                            const PdSchedule *baseline,
                            const PdDay *days,
                            guint n_days,
                            GError **error)
{
  g_return_val_if_fail (campaign != NULL && baseline != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return from_days (campaign, baseline, days, n_days, FALSE, error);
}
