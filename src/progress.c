/* SPDX-License-Identifier: MIT
 *
 * progress: where a campaign stands on a given day, against its baseline
 * (docs/scheduling.md, rule 6; include/prospectd/progress.h).
 *
 * Owns the comparison of logged contacts with the baseline curve (gap,
 * pace, checkpoints met or missed, what the next checkpoint still needs per
 * day), the completion date projected from the pace so far, the funnel
 * rates observed in the logged totals and the effort re-projected from
 * them. Pure: values in, a new PdProgress out; every figure is an exact
 * integer (cents and millionths, products through pd_muldiv).
 */
#define G_LOG_DOMAIN "prospectd-progress"

#include <string.h>

#include <glib/gi18n.h>

#include "prospectd/progress.h"
#include "prospectd/workcal.h"

/* ------------------------------------------------------------ helpers */

static gint64
add_saturated (gint64 a, gint64 b)
{
  if (b > 0 && a > G_MAXINT64 - b)
    return G_MAXINT64;
  if (b < 0 && a < G_MININT64 - b)
    return G_MININT64;
  return a + b;
}

/* ceil (a / d) for a >= 0, d > 0. */
static gint64
ceil_div (gint64 a, gint64 d)
{
  return pd_muldiv_saturated (a, 1, d, PD_ROUNDING_UP);
}

static const PdRep *
campaign_rep (const PdCampaign *campaign, guint rep_index)
{
  return g_ptr_array_index (campaign->reps, rep_index);
}

/* What a rep's progress reads of the baseline: the team's days
 * (pd_progress_compute()), or the rep's curve (the builder's reps), which
 * give the same answers (pd_schedule_builder_rep_curve()). */
typedef struct {
  const PdSchedule *days;
  const PdScheduleCurve *curve;
} Baseline;

static gint64
baseline_total (const Baseline *baseline, guint rep_index)
{
  if (baseline->curve != NULL)
    return pd_schedule_curve_total (baseline->curve);
  return rep_index < baseline->days->rep_contacts->len
           ? g_array_index (baseline->days->rep_contacts, gint64, rep_index) : 0;
}

static gint64
baseline_to_date (const Baseline *baseline, guint rep_index, const GDate *date)
{
  if (baseline->curve != NULL)
    return pd_schedule_curve_planned_to_date (baseline->curve, date);
  return pd_schedule_planned_to_date (baseline->days, rep_index, date);
}

/* The rep's available days in [from, to] (clamped to the campaign). */
static guint
count_available_days (const PdCampaign *campaign, const PdRep *rep, const Baseline *baseline,
                      const GDate *from, const GDate *to)
{
  if (baseline->curve != NULL)
    return pd_schedule_curve_available_days (baseline->curve, from, to);
  if (g_date_compare (from, to) > 0)
    return 0;
  g_autoptr (GArray) days = pd_workcal_available_days (campaign, rep, from, to);
  return days->len;
}

/* The first available days after a date, kept by after_days_key (rep,
 * after) (see nth_available_day_after()): a team's reps mostly share a
 * calendar, and each rep behind is projected past the end, so the days
 * after it are walked once, not once per rep. At most AFTER_DAYS_KEPT
 * days per calendar and AFTER_DAYS_BUDGET in all (128 KiB): reps of
 * calendars of their own (days off of their own after the date) walk the
 * rest as before, without memory growing with the team. */
#define AFTER_DAYS_KEPT   4096
#define AFTER_DAYS_BUDGET 16384
typedef struct {
  GArray *dates;     /* GDate, ascending */
  gboolean complete; /* every available day up to 9999-12-31 is in dates */
} AfterDays;

typedef struct {
  GHashTable *calendars; /* key -> AfterDays */
  guint kept;            /* dates kept in all */
  /* The days of the last rep of no later start and no day off after the
   * date (most of a team), found again without its key. */
  AfterDays *plain;
  guint32 plain_from;
  guint plain_workdays;
} AfterCache;

static void
after_days_free (gpointer data)
{
  AfterDays *after = data;

  g_array_unref (after->dates);
  g_free (after);
}

/* What decides the rep's available days after `after` besides the
 * campaign's rules (pd_workcal_is_available() on a campaign without an
 * end, whose start is on or before `after`): its start when later, its
 * workdays, and its days off that end after it. Days off already over
 * change nothing there: the reps who took theirs during the campaign
 * share the days after its end with the others (pd_workcal_days_key(),
 * which names every day off, would keep a calendar for each). */
static char *
after_days_key (const PdRep *rep, const GDate *after)
{
  guint32 from = g_date_get_julian (after);
  GDate start = rep->start; /* a copy: reading may fill in a GDate */
  guint32 start_julian = g_date_valid (&start) ? g_date_get_julian (&start) : 0;
  GString *key = g_string_new (NULL);

  g_string_printf (key, "%u %u %u", from, start_julian > from ? start_julian : 0, (guint) rep->workdays);
  for (guint i = 0; rep->days_off != NULL && i < rep->days_off->len; i++)
    {
      PdDateRange range = g_array_index (rep->days_off, PdDateRange, i);

      if (g_date_get_julian (&range.last) > from)
        g_string_append_printf (key, " %u-%u", g_date_get_julian (&range.first), g_date_get_julian (&range.last));
    }
  return g_string_free (key, FALSE);
}

/* Whether nothing of `rep` but its workdays decides its days after
 * `from` (Julian): no later start, no day off ending after it. */
static gboolean
plain_after (const PdRep *rep, guint32 from)
{
  GDate start = rep->start; /* a copy: reading may fill in a GDate */

  if (g_date_valid (&start) && g_date_get_julian (&start) > from)
    return FALSE;
  for (guint i = 0; rep->days_off != NULL && i < rep->days_off->len; i++)
    {
      PdDateRange range = g_array_index (rep->days_off, PdDateRange, i);

      if (g_date_get_julian (&range.last) > from)
        return FALSE;
    }
  return TRUE;
}

/* The n-th (n >= 1) day after `after` on which `rep` can call, by the
 * campaign's weekday, holiday and day-off rules but without its end date:
 * a slow rep finishes after the campaign, and the date says by how much.
 * The rules are applied by pd_workcal_is_available() itself, on a shallow
 * copy of the campaign whose end is the last date GDate knows, so that
 * there is one definition of an available day. Leaves `ret_date` invalid
 * when the n-th day would fall after 9999-12-31. `kept`, when not NULL,
 * keeps the first days found (AfterDays by calendar). */
static void
nth_available_day_after (const PdCampaign *campaign, const PdRep *rep,
                         const GDate *after, gint64 n, GDate *ret_date, AfterCache *kept)
{
  PdCampaign unbounded = *campaign;
  g_date_clear (&unbounded.end, 1);
  g_date_set_dmy (&unbounded.end, 31, G_DATE_DECEMBER, 9999);

  g_date_clear (ret_date, 1);
  /* At least n calendar days are needed: give up early when even that
   * passes the end of the calendar (and the loop stays bounded). */
  gint64 days_to_end = (gint64) g_date_get_julian (&unbounded.end)
                       - (gint64) g_date_get_julian (after);
  if (n > days_to_end)
    return;

  GDate date = *after;
  gint64 found = 0;
  if (kept != NULL)
    {
      guint32 from = g_date_get_julian (after);
      gboolean plain = plain_after (rep, from);
      AfterDays *days = NULL;

      if (plain && kept->plain != NULL && kept->plain_from == from && kept->plain_workdays == (guint) rep->workdays)
        days = kept->plain;
      else
        {
          g_autofree char *key = after_days_key (rep, after);

          days = g_hash_table_lookup (kept->calendars, key);
          if (days == NULL)
            {
              days = g_new0 (AfterDays, 1);
              days->dates = g_array_new (FALSE, FALSE, sizeof (GDate));
              g_hash_table_insert (kept->calendars, g_steal_pointer (&key), days);
            }
          if (plain)
            {
              kept->plain = days;
              kept->plain_from = from;
              kept->plain_workdays = (guint) rep->workdays;
            }
        }
      /* Walked on from the last day kept, up to the n-th or as many as
       * may be kept; `date` stays the last day kept (or `after`). */
      if (days->dates->len > 0)
        date = g_array_index (days->dates, GDate, days->dates->len - 1);
      while (!days->complete && (gint64) days->dates->len < MIN (n, AFTER_DAYS_KEPT)
             && kept->kept < AFTER_DAYS_BUDGET)
        {
          if (g_date_compare (&date, &unbounded.end) >= 0)
            {
              days->complete = TRUE;
              break;
            }
          g_date_add_days (&date, 1);
          if (pd_workcal_is_available (&unbounded, rep, &date))
            {
              g_array_append_val (days->dates, date);
              kept->kept++;
            }
        }
      if (n <= (gint64) days->dates->len)
        {
          *ret_date = g_array_index (days->dates, GDate, n - 1);
          return;
        }
      if (days->complete)
        return;
      /* Beyond the days kept: on from the last of them (`date`). */
      found = days->dates->len;
    }
  while (g_date_compare (&date, &unbounded.end) < 0)
    {
      g_date_add_days (&date, 1);
      if (pd_workcal_is_available (&unbounded, rep, &date) && ++found == n)
        {
          *ret_date = date;
          return;
        }
    }
}

/* One logged day of a known rep, as the computation uses it. */
typedef struct {
  guint rep_index;
  GDate date;
  const PdDailyContacts *day;
} Entry;

static gint
compare_entries (gconstpointer a, gconstpointer b)
{
  const Entry *x = a;
  const Entry *y = b;
  if (x->rep_index != y->rep_index)
    return x->rep_index < y->rep_index ? -1 : 1;
  return g_date_compare (&x->date, &y->date);
}

/* The entries of known reps dated on or before as_of, by rep then date. */
static GArray *
collect_entries (const PdCampaign *campaign, const GArray *daily, const GDate *as_of)
{
  GArray *entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  if (daily == NULL)
    return entries;
  for (guint i = 0; i < daily->len; i++)
    {
      const PdDailyContacts *day = &g_array_index (daily, PdDailyContacts, i);
      guint rep_index;
      if (day->rep == NULL || !g_date_valid (&day->date)
          || g_date_compare (&day->date, as_of) > 0
          || pd_campaign_find_rep (campaign, day->rep, &rep_index) == NULL)
        continue;
      Entry entry = { .rep_index = rep_index, .date = day->date, .day = day };
      g_array_append_val (entries, entry);
    }
  g_array_sort (entries, compare_entries);
  return entries;
}

/* The first entry of `rep_index` or of a later rep (entries are sorted by
 * rep, then date): a binary search, so that a rep's sums read its own
 * entries only (a team of 1 000 reps logs 340 000 days a year). */
static guint
first_entry_of (const GArray *entries, guint rep_index)
{
  guint low = 0, high = entries->len;

  while (low < high)
    {
      guint mid = low + (high - low) / 2;

      if (g_array_index (entries, Entry, mid).rep_index < rep_index)
        low = mid + 1;
      else
        high = mid;
    }
  return low;
}

/* ------------------------------------------------------------ running sums */

void
pd_progress_running_sums_add_day (PdRunningSums *sums, const PdDailyContacts *day)
{
  gint64 qualified = add_saturated (add_saturated (day->active, day->latent), day->arid);

  g_return_if_fail (sums != NULL && day != NULL);
  sums->totals.contacts = add_saturated (sums->totals.contacts, day->contacts);
  sums->totals.prospects = add_saturated (sums->totals.prospects, day->prospects);
  sums->totals.active = add_saturated (sums->totals.active, day->active);
  sums->totals.latent = add_saturated (sums->totals.latent, day->latent);
  sums->totals.arid = add_saturated (sums->totals.arid, day->arid);
  sums->totals.proposals = add_saturated (sums->totals.proposals, day->proposals);
  sums->totals.deals = add_saturated (sums->totals.deals, day->deals);
  sums->totals.revenue_cents = add_saturated (sums->totals.revenue_cents, day->revenue_cents);
  if (day->prospects > 0 && qualified > 0)
    {
      sums->qualified_active = add_saturated (sums->qualified_active, day->active);
      sums->qualified_prospects = add_saturated (sums->qualified_prospects, day->prospects);
    }
  if (day->prospects > 0 && day->contacts > 0)
    {
      sums->reached_contacts = add_saturated (sums->reached_contacts, day->contacts);
      sums->reached_prospects = add_saturated (sums->reached_prospects, day->prospects);
    }
  if (day->deals > 0 && day->revenue_cents > 0)
    {
      sums->won_deals = add_saturated (sums->won_deals, day->deals);
      sums->won_revenue_cents = add_saturated (sums->won_revenue_cents, day->revenue_cents);
    }
}

void
pd_progress_running_sums (const GArray *daily, const char *rep, const GDate *up_to, PdRunningSums *ret_sums)
{
  g_return_if_fail (ret_sums != NULL);
  memset (ret_sums, 0, sizeof *ret_sums);
  for (guint i = 0; daily != NULL && i < daily->len; i++)
    {
      const PdDailyContacts *day = &g_array_index (daily, PdDailyContacts, i);

      if (day->rep == NULL || !g_date_valid (&day->date)
          || (up_to != NULL && g_date_compare (&day->date, up_to) > 0)
          || (rep != NULL && strcmp (day->rep, rep) != 0))
        continue;
      pd_progress_running_sums_add_day (ret_sums, day);
    }
}

/* One rep's logged side from its entries (sorted by date, none after
 * as_of): the running sums to as_of, and the contacts to each checkpoint
 * on or before as_of (`checkpoint_contacts`, one per checkpoint). */
typedef struct {
  const Entry *entries;
  guint n;
} RepEntries;

/* The first date on which the rep's running contacts reached `total`. */
static void
entries_reached (gint64 total, GDate *ret_date, gpointer user_data)
{
  const RepEntries *rep = user_data;
  gint64 cumulative = 0;

  g_date_clear (ret_date, 1);
  for (guint i = 0; i < rep->n; i++)
    {
      cumulative = add_saturated (cumulative, rep->entries[i].day->contacts);
      if (cumulative >= total)
        {
          *ret_date = rep->entries[i].date;
          return;
        }
    }
}

static void
logged_from_entries (const PdCampaign *campaign, const GDate *as_of, RepEntries *rep,
                     gint64 *checkpoint_contacts, PdRepLogged *ret_logged)
{
  guint k = 0;
  gint64 cumulative = 0;

  memset (ret_logged, 0, sizeof *ret_logged);
  for (guint i = 0; i < rep->n; i++)
    {
      const Entry *entry = &rep->entries[i];

      for (; k < campaign->checkpoints->len
             && g_date_compare (&g_array_index (campaign->checkpoints, PdCheckpoint, k).date, &entry->date) < 0;
           k++)
        checkpoint_contacts[k] = cumulative;
      pd_progress_running_sums_add_day (&ret_logged->sums, entry->day);
      cumulative = ret_logged->sums.totals.contacts;
    }
  for (; k < campaign->checkpoints->len; k++)
    checkpoint_contacts[k] = cumulative;
  (void) as_of;
  ret_logged->checkpoint_contacts = checkpoint_contacts;
  ret_logged->reached = entries_reached;
  ret_logged->reached_data = rep;
}

/* ------------------------------------------------------------ one rep */

static void
rep_progress_free (gpointer data)
{
  PdRepProgress *rep = data;
  if (rep == NULL)
    return;
  g_clear_pointer (&rep->checkpoints, g_array_unref);
  g_free (rep);
}

static PdRepProgress *
rep_progress_new (guint rep_index, guint n_checkpoints)
{
  PdRepProgress *rep = g_new0 (PdRepProgress, 1);
  rep->rep_index = rep_index;
  rep->next_checkpoint = -1;
  g_date_clear (&rep->projected_completion, 1);
  rep->checkpoints = g_array_sized_new (FALSE, TRUE, sizeof (PdCheckpointProgress),
                                        n_checkpoints);
  g_array_set_size (rep->checkpoints, n_checkpoints);
  return rep;
}

/* Gap, gap in millionths and pace, from total/planned/actual. The pace
 * test "actual < planned x (1 - threshold)" is made exact on integers:
 * actual being whole, it holds iff actual < ceil (planned x (1 - t)). */
static void
judge_pace (PdRepProgress *rep, gint64 behind_threshold)
{
  rep->gap = add_saturated (rep->actual, -rep->planned);
  if (rep->planned > 0)
    rep->gap_ppm = pd_muldiv_saturated (rep->gap, PD_MILLI, rep->planned,
                                     rep->gap < 0 ? PD_ROUNDING_UP : PD_ROUNDING_DOWN);
  else
    rep->gap_ppm = 0;

  gint64 threshold = CLAMP (behind_threshold, 0, PD_MILLI);
  gint64 least = pd_muldiv_saturated (rep->planned, PD_MILLI - threshold, PD_MILLI,
                                   PD_ROUNDING_UP);
  if (rep->actual < least)
    rep->pace = PD_PACE_BEHIND;
  else if (rep->actual > rep->planned)
    rep->pace = PD_PACE_AHEAD;
  else
    rep->pace = PD_PACE_ON_TRACK;
}

/* A rep's checkpoints (targets already set) and the next one's needs.
 * days_left is set by the caller. */
static void
judge_checkpoints (const PdCampaign *campaign, const PdRepLogged *logged,
                   const GDate *as_of, PdRepProgress *rep)
{
  for (guint k = 0; k < rep->checkpoints->len; k++)
    {
      PdCheckpointProgress *cp = &g_array_index (rep->checkpoints, PdCheckpointProgress, k);
      cp->date = g_array_index (campaign->checkpoints, PdCheckpoint, k).date;
      if (g_date_compare (&cp->date, as_of) > 0)
        {
          cp->actual = rep->actual;
          cp->state = PD_CHECKPOINT_UPCOMING;
          if (rep->next_checkpoint < 0)
            {
              rep->next_checkpoint = (gint) k;
              rep->needed = MAX (add_saturated (cp->target, -rep->actual), 0);
            }
        }
      else
        {
          cp->actual = logged->checkpoint_contacts != NULL ? logged->checkpoint_contacts[k] : 0;
          cp->state = cp->actual >= cp->target ? PD_CHECKPOINT_MET : PD_CHECKPOINT_MISSED;
        }
    }
}

static void
set_needed_per_day (PdRepProgress *rep)
{
  rep->needed_per_day = rep->days_left > 0 ? ceil_div (rep->needed, rep->days_left) : 0;
}

/* The first day after `after` on which the rep's baseline cumulative
 * reaches `target`; invalid when it never does (the target is beyond the
 * rep's total). */
static GDate
baseline_day_reaching (const Baseline *from, guint rep_index, const GDate *after, gint64 target)
{
  const PdSchedule *baseline = from->days;
  GDate found;
  guint low, high;

  if (from->curve != NULL)
    {
      pd_schedule_curve_day_reaching (from->curve, after, target, &found);
      return found;
    }
  low = 0;
  high = baseline->days->len;

  /* The rep's first day: days are by rep, then date (a team of 1 000
   * reps has 250 000 of them). */
  while (low < high)
    {
      guint mid = low + (high - low) / 2;
      if (g_array_index (baseline->days, PdDay, mid).rep_index < rep_index)
        low = mid + 1;
      else
        high = mid;
    }
  g_date_clear (&found, 1);
  for (guint i = low; i < baseline->days->len; i++)
    {
      const PdDay *day = &g_array_index (baseline->days, PdDay, i);
      if (day->rep_index != rep_index)
        break;
      if (g_date_compare (&day->date, after) > 0 && day->cumulative >= target)
        return day->date;
    }
  return found;
}

/* The projected completion (see progress.h): the rep keeps doing the same
 * share of the plan's curve as so far (actual / planned), so the contacts
 * left take the stretch of the curve that holds left x planned / actual
 * planned contacts. A rep ahead (actual >= planned) needs at most what the
 * curve still plans and finishes by the end; a rep behind needs more, and
 * past the end the curve is extended at its average (the rep's total over
 * the rep's available days). */
static void
project_completion (const PdCampaign *campaign, const PdRep *campaign_rep_, const Baseline *baseline,
                    const PdRepLogged *logged, const GDate *as_of, AfterCache *after, PdRepProgress *rep)
{
  g_date_clear (&rep->projected_completion, 1);
  if (rep->actual <= 0)
    return;

  gint64 remaining = add_saturated (rep->total, -rep->actual);
  if (remaining <= 0)
    {
      if (logged->reached != NULL)
        logged->reached (rep->total, &rep->projected_completion, logged->reached_data);
      return;
    }

  /* Before the curve starts (nothing planned yet), the rep is taken to
   * keep to the plan: share 1. */
  gint64 curve_left = rep->planned > 0
    ? pd_muldiv_saturated (remaining, rep->planned, rep->actual, PD_ROUNDING_UP) : remaining;
  gint64 target = add_saturated (rep->planned, curve_left);
  if (target <= rep->total)
    {
      rep->projected_completion = baseline_day_reaching (baseline, rep->rep_index, as_of, target);
      if (g_date_valid (&rep->projected_completion))
        return;
    }

  /* Beyond the end: the curve's contacts still to go past it, at the
   * curve's average per available day, counted from the end (or from
   * as_of once the campaign is over). */
  gint64 beyond = add_saturated (target, -MAX (rep->total, rep->planned));
  gint64 available = count_available_days (campaign, campaign_rep_, baseline, &campaign->start, &campaign->end);
  const GDate *from = g_date_compare (as_of, &campaign->end) > 0 ? as_of : &campaign->end;
  if (rep->total <= 0 || available <= 0)
    return;
  gint64 days_needed = MAX (pd_muldiv_saturated (beyond, available, rep->total, PD_ROUNDING_UP), 1);
  nth_available_day_after (campaign, campaign_rep_, from, days_needed, &rep->projected_completion, after);
}

static PdRepProgress *
compute_rep (const PdCampaign *campaign, const Baseline *baseline,
             const PdRepLogged *logged, const GDate *as_of, guint rep_index, AfterCache *after)
{
  const PdRep *campaign_rep_ = campaign_rep (campaign, rep_index);
  guint n_checkpoints = campaign->checkpoints->len;
  PdRepProgress *rep = rep_progress_new (rep_index, n_checkpoints);

  rep->total = baseline_total (baseline, rep_index);
  rep->planned = baseline_to_date (baseline, rep_index, as_of);
  rep->actual = logged->sums.totals.contacts;
  judge_pace (rep, campaign->behind_threshold);

  /* The baseline's cumulative at each checkpoint: the checkpoint's share
   * of the rep's contacts, 0 before a rep's start. */
  for (guint k = 0; k < n_checkpoints; k++)
    {
      GDate date = g_array_index (campaign->checkpoints, PdCheckpoint, k).date;
      g_array_index (rep->checkpoints, PdCheckpointProgress, k).target =
        baseline_to_date (baseline, rep_index, &date);
    }
  judge_checkpoints (campaign, logged, as_of, rep);

  if (rep->next_checkpoint >= 0)
    {
      GDate from = *as_of;
      g_date_add_days (&from, 1);
      const GDate *to = &g_array_index (campaign->checkpoints, PdCheckpoint,
                                        rep->next_checkpoint).date;
      rep->days_left = count_available_days (campaign, campaign_rep_, baseline, &from, to);
    }
  set_needed_per_day (rep);

  project_completion (campaign, campaign_rep_, baseline, logged, as_of, after, rep);
  return rep;
}

/* The team: sums of the reps, days_left the most any rep has, the
 * projection the latest of the reps' (none when a rep has none); the
 * past checkpoints' actuals the reps' summed, or `checkpoint_contacts`
 * when given (one per checkpoint). */
static PdRepProgress *
compute_team (const PdCampaign *campaign, const GDate *as_of, const GPtrArray *reps,
              const gint64 *checkpoint_contacts, gint *ret_projection_rep)
{
  guint n_checkpoints = campaign->checkpoints->len;
  PdRepProgress *team = rep_progress_new (G_MAXUINT, n_checkpoints);
  gboolean projectable = reps->len > 0;

  for (guint i = 0; i < reps->len; i++)
    {
      const PdRepProgress *rep = g_ptr_array_index (reps, i);
      team->total = add_saturated (team->total, rep->total);
      team->planned = add_saturated (team->planned, rep->planned);
      team->actual = add_saturated (team->actual, rep->actual);
      team->days_left = MAX (team->days_left, rep->days_left);
      for (guint k = 0; k < n_checkpoints; k++)
        {
          PdCheckpointProgress *cp = &g_array_index (team->checkpoints, PdCheckpointProgress, k);
          cp->target = add_saturated (
            cp->target, g_array_index (rep->checkpoints, PdCheckpointProgress, k).target);
        }
      if (!g_date_valid (&rep->projected_completion))
        projectable = FALSE;
      else if (projectable
               && (!g_date_valid (&team->projected_completion)
                   || g_date_compare (&rep->projected_completion,
                                      &team->projected_completion) > 0))
        {
          team->projected_completion = rep->projected_completion;
          *ret_projection_rep = (gint) i;
        }
    }
  if (!projectable)
    {
      g_date_clear (&team->projected_completion, 1);
      *ret_projection_rep = -1;
    }

  judge_pace (team, campaign->behind_threshold);
  /* A past checkpoint's team actual is the reps' actuals there summed
   * (or the caller's, who has the team's without the reps'). */
  for (guint k = 0; k < n_checkpoints; k++)
    {
      PdCheckpointProgress *cp = &g_array_index (team->checkpoints, PdCheckpointProgress, k);
      cp->date = g_array_index (campaign->checkpoints, PdCheckpoint, k).date;
      if (g_date_compare (&cp->date, as_of) > 0)
        {
          cp->actual = team->actual;
          cp->state = PD_CHECKPOINT_UPCOMING;
          if (team->next_checkpoint < 0)
            {
              team->next_checkpoint = (gint) k;
              team->needed = MAX (add_saturated (cp->target, -team->actual), 0);
            }
          continue;
        }
      if (checkpoint_contacts != NULL)
        cp->actual = checkpoint_contacts[k];
      else
        for (guint i = 0; i < reps->len; i++)
          {
            const PdRepProgress *rep = g_ptr_array_index (reps, i);

            cp->actual = add_saturated (cp->actual, g_array_index (rep->checkpoints, PdCheckpointProgress, k).actual);
          }
      cp->state = cp->actual >= cp->target ? PD_CHECKPOINT_MET : PD_CHECKPOINT_MISSED;
    }
  if (team->next_checkpoint < 0)
    team->days_left = 0;
  set_needed_per_day (team);
  return team;
}

/* ------------------------------------------------------------ rates */

/* num / den in millionths (or, for money, cents / count), rounded down.
 * FALSE when there is nothing to divide by, or when the quotient does not
 * fit. */
static gboolean
observed_ratio (gint64 numerator, gint64 denominator, gint64 scale, gint64 *ret)
{
  if (denominator <= 0 || numerator < 0)
    return FALSE;
  return pd_muldiv (numerator, scale, denominator, PD_ROUNDING_DOWN, ret);
}

/* The sums behind the observed rates (PdRates), over the rep-days that
 * carry the counts each needs; proposals and deals of the reps who log
 * proposals. */
typedef struct {
  gint64 qualified_active, qualified_prospects;
  gint64 reached_contacts, reached_prospects;
  gint64 won_revenue, won_deals;
  gint64 proposals, deals;
} RateSums;

/* Adds one rep's running sums. A deal is often logged weeks after its
 * proposal, on a day of its own: proposals per deal reads each rep's
 * running totals, of the reps who log their proposals. */
static void
rate_sums_add_rep (RateSums *sums, const PdRunningSums *rep)
{
  sums->qualified_active = add_saturated (sums->qualified_active, rep->qualified_active);
  sums->qualified_prospects = add_saturated (sums->qualified_prospects, rep->qualified_prospects);
  sums->reached_contacts = add_saturated (sums->reached_contacts, rep->reached_contacts);
  sums->reached_prospects = add_saturated (sums->reached_prospects, rep->reached_prospects);
  sums->won_revenue = add_saturated (sums->won_revenue, rep->won_revenue_cents);
  sums->won_deals = add_saturated (sums->won_deals, rep->won_deals);
  if (rep->totals.proposals <= 0)
    return;
  sums->proposals = add_saturated (sums->proposals, rep->totals.proposals);
  sums->deals = add_saturated (sums->deals, rep->totals.deals);
}

static void
rate_sums_finish (const RateSums *sums, PdRates *rates)
{
  memset (rates, 0, sizeof *rates);
  /* A rate of 0 cannot drive a funnel: an accessibility rate or average
   * deal that comes out as 0 is not observed. */
  rates->has_accessibility_rate =
    observed_ratio (sums->qualified_active, sums->qualified_prospects, PD_MILLI, &rates->accessibility_rate)
    && rates->accessibility_rate > 0;
  rates->has_contacts_per_prospect =
    observed_ratio (sums->reached_contacts, sums->reached_prospects, PD_MILLI, &rates->contacts_per_prospect);
  rates->has_proposals_per_deal =
    observed_ratio (sums->proposals, sums->deals, PD_MILLI, &rates->proposals_per_deal);
  rates->has_average_deal =
    observed_ratio (sums->won_revenue, sums->won_deals, 1, &rates->average_deal_cents)
    && rates->average_deal_cents > 0;
  if (!rates->has_accessibility_rate)
    rates->accessibility_rate = 0;
  if (!rates->has_contacts_per_prospect)
    rates->contacts_per_prospect = 0;
  if (!rates->has_proposals_per_deal)
    rates->proposals_per_deal = 0;
  if (!rates->has_average_deal)
    rates->average_deal_cents = 0;
  rates->accessibility_n = sums->qualified_prospects;
  rates->contacts_per_prospect_n = sums->reached_prospects;
  rates->proposals_per_deal_n = sums->deals;
  rates->average_deal_n = sums->won_deals;
  rates->accessibility_active = sums->qualified_active;
  rates->contacts_per_prospect_contacts = sums->reached_contacts;
  rates->proposals_per_deal_proposals = sums->proposals;
  rates->average_deal_revenue_cents = sums->won_revenue;
}

/* The observed rates from the logged days of the campaign's reps dated
 * from `from` (NULL: the first) to `to`, of `only_rep` alone when not
 * NULL, each over the rep-days (a rep's entries of a day, summed) that
 * carry the counts it needs (progress.h), so that a rep who logs only
 * contacts does not dilute contacts per prospect. */
static void
observe_rates (const PdCampaign *campaign, const GArray *daily, const GDate *from, const GDate *to,
               const char *only_rep, PdRates *rates)
{
  RateSums sums = { 0 };
  g_autofree PdRunningSums *reps = g_new0 (PdRunningSums, MAX (campaign->reps->len, 1));
  const char *last_rep = NULL;
  guint rep_index = 0;
  gboolean known = FALSE;

  for (guint i = 0; daily != NULL && i < daily->len; i++)
    {
      const PdDailyContacts *day = &g_array_index (daily, PdDailyContacts, i);

      if (day->rep == NULL || !g_date_valid (&day->date) || g_date_compare (&day->date, to) > 0
          || (from != NULL && g_date_compare (&day->date, from) < 0)
          || (only_rep != NULL && strcmp (day->rep, only_rep) != 0))
        continue;
      if (day->rep != last_rep) /* a rep's days share one string */
        {
          last_rep = day->rep;
          known = pd_campaign_find_rep (campaign, day->rep, &rep_index) != NULL;
        }
      if (known)
        pd_progress_running_sums_add_day (&reps[rep_index], day);
    }
  for (guint r = 0; r < campaign->reps->len; r++)
    rate_sums_add_rep (&sums, &reps[r]);
  rate_sums_finish (&sums, rates);
}

/* Contacts left (never below 0) as call minutes, rounded up. */
static gint64
remaining_minutes (gint64 contacts, gint64 done, gint64 minutes_per_contact)
{
  gint64 left = MAX (add_saturated (contacts, -done), 0);
  return pd_muldiv_saturated (left, MAX (minutes_per_contact, 0), PD_MILLI, PD_ROUNDING_UP);
}

static void
reproject (const PdCampaign *campaign, const PdPlan *plan, PdProgress *progress)
{
  PdPlanInput input = campaign->plan;
  const PdRates *observed = &progress->observed;
  gint64 done = progress->team->actual;

  if (observed->has_accessibility_rate)
    input.accessibility_rate = observed->accessibility_rate;
  if (observed->has_contacts_per_prospect)
    input.contacts_per_prospect = observed->contacts_per_prospect;
  if (observed->has_proposals_per_deal)
    input.proposals_per_deal = observed->proposals_per_deal;
  if (observed->has_average_deal)
    input.average_deal_cents = observed->average_deal_cents;

  progress->remaining_call_minutes_assumed =
    remaining_minutes (plan->contacts, done, input.minutes_per_contact);

  PdPlan reprojected;
  g_autoptr (GError) error = NULL;
  progress->has_reprojection = pd_plan_compute (&input, &reprojected, &error);
  progress->reprojected = progress->has_reprojection ? reprojected : *plan;
  progress->reprojected_contacts = progress->reprojected.contacts;
  progress->remaining_call_minutes =
    remaining_minutes (progress->reprojected_contacts, done, input.minutes_per_contact);

  /* Whatever the rates say, a team behind still owes the gap to the
   * plan's curve: "0 min left" must not sit beside "behind". */
  gint64 curve = progress->team->planned;
  if (progress->team->pace == PD_PACE_BEHIND && progress->reprojected_contacts < curve)
    {
      progress->remaining_call_minutes = remaining_minutes (curve, done, input.minutes_per_contact);
      progress->remaining_at_least_gap = TRUE;
    }
}

/* ------------------------------------------------------------ public */

void
pd_progress_free (PdProgress *progress)
{
  if (progress == NULL)
    return;
  g_clear_pointer (&progress->reps, g_ptr_array_unref);
  g_clear_pointer (&progress->team, rep_progress_free);
  g_free (progress);
}

PdProgress *
pd_progress_compute (const PdCampaign *campaign,
                     const PdPlan *plan,
                     const PdSchedule *baseline,
                     const GDate *as_of,
                     const GArray *daily,
                     const PdTotals *totals)
{
  g_return_val_if_fail (campaign != NULL && campaign->reps != NULL
                        && campaign->checkpoints != NULL, NULL);
  g_return_val_if_fail (plan != NULL, NULL);
  g_return_val_if_fail (baseline != NULL && baseline->rep_contacts != NULL
                        && baseline->days != NULL, NULL);
  g_return_val_if_fail (as_of != NULL && g_date_valid (as_of), NULL);

  PdProgress *progress = g_new0 (PdProgress, 1);
  g_autoptr (GArray) entries = collect_entries (campaign, daily, as_of);
  Baseline days = { baseline, NULL };

  g_autofree gint64 *checkpoint_contacts = g_new0 (gint64, MAX (campaign->checkpoints->len, 1));
  RateSums sums = { 0 };

  progress->as_of = *as_of;
  progress->reps = g_ptr_array_new_full (campaign->reps->len, rep_progress_free);
  for (guint i = 0; i < campaign->reps->len; i++)
    {
      guint first = first_entry_of (entries, i), last = first_entry_of (entries, i + 1);
      RepEntries rep = { (const Entry *) (gpointer) entries->data + first, last - first };
      PdRepLogged logged;

      logged_from_entries (campaign, as_of, &rep, checkpoint_contacts, &logged);
      g_ptr_array_add (progress->reps, compute_rep (campaign, &days, &logged, as_of, i, NULL));
      rate_sums_add_rep (&sums, &logged.sums);
    }
  progress->team_projection_rep = -1;
  progress->team = compute_team (campaign, as_of, progress->reps, NULL, &progress->team_projection_rep);

  if (totals != NULL)
    progress->totals = *totals;
  progress->revenue_cents = progress->totals.revenue_cents;
  rate_sums_finish (&sums, &progress->observed);
  reproject (campaign, plan, progress);
  return progress;
}

const char *
pd_pace_name (PdPace pace)
{
  switch (pace)
    {
    case PD_PACE_AHEAD:
      return "ahead";
    case PD_PACE_ON_TRACK:
      return "on_track";
    case PD_PACE_BEHIND:
      return "behind";
    default:
      g_return_val_if_reached ("unknown");
    }
}

const char *
pd_pace_text (PdPace pace)
{
  switch (pace)
    {
    case PD_PACE_AHEAD:
      return _("ahead");
    case PD_PACE_ON_TRACK:
      return _("on track");
    case PD_PACE_BEHIND:
      return _("behind");
    default:
      g_return_val_if_reached ("?");
    }
}

const char *
pd_checkpoint_state_name (PdCheckpointState state)
{
  switch (state)
    {
    case PD_CHECKPOINT_MET:
      return "met";
    case PD_CHECKPOINT_MISSED:
      return "missed";
    case PD_CHECKPOINT_UPCOMING:
      return "upcoming";
    default:
      g_return_val_if_reached ("unknown");
    }
}

void
pd_progress_observe (const PdCampaign *campaign, const GArray *daily, const GDate *from, const GDate *to,
                     const char *rep, PdRates *ret_rates)
{
  g_return_if_fail (campaign != NULL && to != NULL && g_date_valid (to) && ret_rates != NULL);
  observe_rates (campaign, daily, from, to, rep, ret_rates);
}

/* ------------------------------------------------------------ a rep at a time */

struct _PdProgressBuilder {
  const PdCampaign *campaign;
  const PdPlan *plan;
  GDate as_of;
  PdProgress *progress; /* reps filled as they are added */
  RateSums sums;
  AfterCache after;     /* nth_available_day_after()'s, shared by the reps */
  gint64 *team_checkpoints; /* the team's contacts to each checkpoint, when given */
};

PdProgressBuilder *
pd_progress_builder_new (const PdCampaign *campaign, const PdPlan *plan, const GDate *as_of)
{
  g_return_val_if_fail (campaign != NULL && campaign->reps != NULL && campaign->checkpoints != NULL, NULL);
  g_return_val_if_fail (plan != NULL, NULL);
  g_return_val_if_fail (as_of != NULL && g_date_valid (as_of), NULL);

  PdProgressBuilder *builder = g_new0 (PdProgressBuilder, 1);
  builder->campaign = campaign;
  builder->plan = plan;
  builder->as_of = *as_of;
  builder->after.calendars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, after_days_free);
  builder->progress = g_new0 (PdProgress, 1);
  builder->progress->as_of = *as_of;
  builder->progress->reps = g_ptr_array_new_full (campaign->reps->len, rep_progress_free);
  g_ptr_array_set_size (builder->progress->reps, (gint) campaign->reps->len);
  return builder;
}

void
pd_progress_builder_free (PdProgressBuilder *builder)
{
  if (builder == NULL)
    return;
  pd_progress_free (builder->progress);
  g_clear_pointer (&builder->after.calendars, g_hash_table_unref);
  g_free (builder->team_checkpoints);
  g_free (builder);
}

void
pd_progress_builder_add_rep_logged (PdProgressBuilder *builder, guint rep_index, const PdScheduleCurve *curve,
                                    const PdRepLogged *logged)
{
  g_return_if_fail (builder != NULL && builder->progress != NULL && logged != NULL);
  g_return_if_fail (rep_index < builder->campaign->reps->len);
  g_return_if_fail (g_ptr_array_index (builder->progress->reps, rep_index) == NULL);
  g_return_if_fail (curve != NULL);

  Baseline baseline = { NULL, curve };

  rate_sums_add_rep (&builder->sums, &logged->sums);
  g_ptr_array_index (builder->progress->reps, rep_index) =
    compute_rep (builder->campaign, &baseline, logged, &builder->as_of, rep_index, &builder->after);
}

void
pd_progress_builder_add_rep (PdProgressBuilder *builder, guint rep_index, const PdScheduleCurve *curve,
                             const GArray *daily)
{
  g_return_if_fail (builder != NULL && builder->progress != NULL);

  g_autoptr (GArray) entries = g_array_sized_new (FALSE, FALSE, sizeof (Entry), daily != NULL ? daily->len : 0);
  g_autofree gint64 *checkpoint_contacts = g_new0 (gint64, MAX (builder->campaign->checkpoints->len, 1));
  gboolean sorted = TRUE;
  RepEntries rep;
  PdRepLogged logged;

  for (guint i = 0; daily != NULL && i < daily->len; i++)
    {
      const PdDailyContacts *day = &g_array_index (daily, PdDailyContacts, i);
      Entry entry = { .rep_index = rep_index, .date = day->date, .day = day };

      if (!g_date_valid (&day->date) || g_date_compare (&day->date, &builder->as_of) > 0)
        continue;
      /* The store hands a rep's days in date order: no sort needed then. */
      if (sorted && entries->len > 0
          && g_date_compare (&g_array_index (entries, Entry, entries->len - 1).date, &entry.date) > 0)
        sorted = FALSE;
      g_array_append_val (entries, entry);
    }
  if (!sorted)
    g_array_sort (entries, compare_entries);
  rep = (RepEntries) { (const Entry *) (gpointer) entries->data, entries->len };
  logged_from_entries (builder->campaign, &builder->as_of, &rep, checkpoint_contacts, &logged);
  pd_progress_builder_add_rep_logged (builder, rep_index, curve, &logged);
}

void
pd_progress_builder_set_team_checkpoint_contacts (PdProgressBuilder *builder, const gint64 *contacts)
{
  guint n;

  g_return_if_fail (builder != NULL && builder->progress != NULL && contacts != NULL);
  n = builder->campaign->checkpoints->len;
  g_free (builder->team_checkpoints);
  builder->team_checkpoints = g_memdup2 (contacts, MAX (n, 1) * sizeof *contacts);
}

PdProgress *
pd_progress_builder_finish (PdProgressBuilder *builder, const PdTotals *totals)
{
  g_return_val_if_fail (builder != NULL && builder->progress != NULL, NULL);
  for (guint r = 0; r < builder->progress->reps->len; r++)
    g_return_val_if_fail (g_ptr_array_index (builder->progress->reps, r) != NULL, NULL);

  PdProgress *progress = g_steal_pointer (&builder->progress);
  progress->team_projection_rep = -1;
  progress->team = compute_team (builder->campaign, &builder->as_of, progress->reps, builder->team_checkpoints,
                                 &progress->team_projection_rep);
  if (totals != NULL)
    progress->totals = *totals;
  progress->revenue_cents = progress->totals.revenue_cents;
  rate_sums_finish (&builder->sums, &progress->observed);
  reproject (builder->campaign, builder->plan, progress);
  return progress;
}
