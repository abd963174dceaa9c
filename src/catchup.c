/* SPDX-License-Identifier: MIT
 *
 * catchup: the schedule in force and the catch-up over the store (see the
 * header for the rules).
 */
#define G_LOG_DOMAIN "prospectd-catchup"


#include <stdlib.h>

#include "prospectd/alerts.h"
#include "prospectd/catchup.h"
#include "prospectd/format.h"

static gint
compare_days (gconstpointer a, gconstpointer b)
{
  const PdDay *x = a, *y = b;

  if (x->rep_index != y->rep_index)
    return x->rep_index < y->rep_index ? -1 : 1;
  return g_date_compare (&x->date, &y->date);
}

/* pd_catchup_current(), or with days_only pd_catchup_current_days(). */
static gboolean
current (PdStore *store, const PdCampaign *campaign, const PdSchedule *baseline, gint64 baseline_time,
         gboolean days_only, PdSchedule **ret_schedule, gint64 *ret_revision_time, GError **error)
{
  PdSchedule *(*from_days) (const PdCampaign *, const PdSchedule *, const PdDay *, guint, GError **)
    = days_only ? pd_schedule_from_days_only : pd_schedule_from_days;
  g_autoptr (PdRevision) head = NULL;
  g_autoptr (PdRevision) revision = NULL;
  g_autoptr (GArray) stored = g_array_new (FALSE, TRUE, sizeof (PdDay));
  g_autoptr (GArray) days = NULL;
  const PdRevision *source = NULL;
  gint64 revision_time = baseline_time;
  GDate until; /* the catch-up's days apply before it */
  PdSchedule *schedule;

  g_date_clear (&until, 1);
  if (store != NULL && !pd_store_load_latest_head (store, campaign->id, &head, error))
    return FALSE;
  if (head != NULL && (head->kind == PD_REVISION_CATCHUP || g_date_compare (&head->as_of, &campaign->start) > 0))
    {
      /* The latest catch-up; after a change of the campaign file (a later
       * baseline), only for the days before the change. */
      if (!pd_store_load_latest_catchup (store, campaign->id, &revision, error))
        return FALSE;
      if (head->kind == PD_REVISION_BASELINE)
        {
          until = head->as_of;
          revision_time = head->created;
        }
      if (revision != NULL)
        {
          source = revision;
          if (head->kind == PD_REVISION_CATCHUP)
            revision_time = revision->created;
        }
    }

  if (source == NULL)
    schedule = from_days (campaign, baseline, (const PdDay *) baseline->days->data, baseline->days->len, error);
  else
    {
      for (guint i = 0; i < source->days->len; i++)
        {
          const PdRevisionDay *saved = &g_array_index (source->days, PdRevisionDay, i);
          PdDay day = { .date = saved->date, .contacts = saved->contacts };

          if (g_date_valid (&until) && g_date_compare (&saved->date, &until) >= 0)
            continue;
          if (saved->base >= 0)
            {
              day.rebased = TRUE;
              day.cumulative = saved->base + saved->contacts;
            }
          /* A rep removed from the campaign file since is dropped. */
          if (pd_campaign_find_rep (campaign, saved->rep, &day.rep_index) != NULL)
            g_array_append_val (stored, day);
        }
      g_array_sort (stored, compare_days);

      /* The baseline's days, with the loads the revision gives (a revision
       * saved before revisions held only changes gives every day). */
      days = g_array_sized_new (FALSE, FALSE, sizeof (PdDay), baseline->days->len);
      for (guint i = 0, k = 0; i < baseline->days->len; i++)
        {
          PdDay day = g_array_index (baseline->days, PdDay, i);

          while (k < stored->len && compare_days (&g_array_index (stored, PdDay, k), &day) < 0)
            k++;
          if (k < stored->len && compare_days (&g_array_index (stored, PdDay, k), &day) == 0)
            {
              const PdDay *saved = &g_array_index (stored, PdDay, k);
              day.contacts = saved->contacts;
              day.rebased = saved->rebased;
              day.cumulative = saved->cumulative;
            }
          g_array_append_val (days, day);
        }
      g_clear_pointer (&stored, g_array_unref);
      g_clear_pointer (&revision, pd_revision_free);
      schedule = from_days (campaign, baseline, (const PdDay *) days->data, days->len, error);
    }
  if (schedule == NULL)
    return FALSE;
  *ret_schedule = schedule;
  *ret_revision_time = revision_time;
  return TRUE;
}

gboolean
pd_catchup_current (PdStore *store, const PdCampaign *campaign, const PdSchedule *baseline,
                    gint64 baseline_time, PdSchedule **ret_schedule, gint64 *ret_revision_time,
                    GError **error)
{
  return current (store, campaign, baseline, baseline_time, FALSE, ret_schedule, ret_revision_time, error);
}

gboolean
pd_catchup_current_days (PdStore *store, const PdCampaign *campaign, const PdSchedule *baseline,
                         gint64 baseline_time, PdSchedule **ret_schedule, gint64 *ret_revision_time,
                         GError **error)
{
  return current (store, campaign, baseline, baseline_time, TRUE, ret_schedule, ret_revision_time, error);
}

/* Appends to `revision` the days of `days` (n of them, by rep then
 * date) that a revision keeps: with a `baseline`, those whose load differs
 * from it or whose count restarts; else every one. */
static void
revision_add_days (PdRevision *revision, const PdCampaign *campaign, const PdDay *days, guint n,
                   const PdSchedule *baseline)
{
  guint k = 0;

  if (baseline != NULL && n > 0)
    {
      /* Start at the first rep's days of the baseline: a binary search. */
      guint low = 0, high = baseline->days->len;

      while (low < high)
        {
          guint mid = low + (high - low) / 2;

          if (g_array_index (baseline->days, PdDay, mid).rep_index < days[0].rep_index)
            low = mid + 1;
          else
            high = mid;
        }
      k = low;
    }
  for (guint i = 0; i < n; i++)
    {
      const PdDay *day = &days[i];
      const PdRep *rep = g_ptr_array_index (campaign->reps, day->rep_index);

      if (baseline != NULL)
        {
          while (k < baseline->days->len && compare_days (&g_array_index (baseline->days, PdDay, k), day) < 0)
            k++;
          if (!day->rebased && k < baseline->days->len
              && compare_days (&g_array_index (baseline->days, PdDay, k), day) == 0
              && g_array_index (baseline->days, PdDay, k).contacts == day->contacts)
            continue;
        }
      if (day->rebased)
        pd_revision_add_rebased_day (revision, rep->name, &day->date, day->contacts,
                                     day->cumulative - day->contacts);
      else
        pd_revision_add_day (revision, rep->name, &day->date, day->contacts);
    }
}

PdRevision *
pd_catchup_revision_new (const PdCampaign *campaign, const PdSchedule *schedule,
                         const PdSchedule *baseline, PdRevisionKind kind, const GDate *as_of,
                         gint64 created)
{
  PdRevision *revision = pd_revision_new (campaign->id, kind, as_of, created);

  revision_add_days (revision, campaign, (const PdDay *) (gconstpointer) schedule->days->data,
                     schedule->days->len, baseline);
  return revision;
}

void
pd_catchup_free (PdCatchup *catchup)
{
  if (catchup == NULL)
    return;
  g_clear_pointer (&catchup->reps, g_array_unref);
  g_clear_pointer (&catchup->load_changed, g_array_unref);
  g_clear_pointer (&catchup->days_changed, g_array_unref);
  g_clear_pointer (&catchup->schedule, pd_schedule_free);
  g_free (catchup);
}

/* The end of a conditional save that another process beat: the
 * catch-up as computed, marked as not stored here, with the latest
 * revision's id. Returns FALSE (error set) unless `save_error` is that
 * conflict. */
static gboolean
lost_to_other (PdStore *store, const char *campaign, PdCatchup *catchup, GError *save_error, GError **error)
{
  g_autoptr (PdRevision) head = NULL;

  if (!g_error_matches (save_error, PD_STORE_ERROR, PD_STORE_ERROR_CONFLICT))
    {
      g_propagate_error (error, save_error);
      return FALSE;
    }
  g_error_free (save_error);
  if (!pd_store_load_latest_head (store, campaign, &head, error))
    return FALSE;
  catchup->by_other = TRUE;
  catchup->revision_id = head != NULL ? head->id : 0;
  g_clear_pointer (&catchup->schedule, pd_schedule_free);
  return TRUE;
}

/* A catch-up's per-rep flags, all FALSE, for `n_reps` reps. */
static void
catchup_init_flags (PdCatchup *catchup, guint n_reps)
{
  catchup->load_changed = g_array_new (FALSE, TRUE, sizeof (gboolean));
  g_array_set_size (catchup->load_changed, n_reps);
  catchup->days_changed = g_array_new (FALSE, TRUE, sizeof (gboolean));
  g_array_set_size (catchup->days_changed, n_reps);
}

/* Each rep's contacts done up to `as_of` (the campaign's reps' order). */
static gint64 *
contacts_done (const PdCampaign *campaign, const GArray *daily, const GDate *as_of)
{
  gint64 *actual = g_new0 (gint64, MAX (campaign->reps->len, 1));

  for (guint i = 0; i < daily->len; i++)
    {
      const PdDailyContacts *d = &g_array_index (daily, PdDailyContacts, i);
      guint r;

      if (pd_campaign_find_rep (campaign, d->rep, &r) != NULL && g_date_compare (&d->date, as_of) <= 0)
        actual[r] += d->contacts;
    }
  return actual;
}

PdCatchup *
pd_catchup_compute (const PdCampaign *campaign, const PdSchedule *baseline, const PdSchedule *current,
                    const GArray *daily, const GDate *as_of, GError **error)
{
  g_autoptr (PdCatchup) catchup = g_new0 (PdCatchup, 1);
  guint n_reps = campaign->reps->len;
  g_autofree gint64 *actual = contacts_done (campaign, daily, as_of);
  GDate from = *as_of;

  g_date_add_days (&from, 1);
  catchup_init_flags (catchup, n_reps);

  catchup->schedule = pd_schedule_respread (campaign, baseline, current, &from, actual, &catchup->reps, error);
  if (catchup->schedule == NULL)
    return NULL;

  /* Stored only when it differs from the schedule in force: a rep who has
   * made up an earlier shortfall goes back to the baseline's load, and a
   * rep whose count restarts elsewhere has new cumulative figures. */
  catchup->changed = catchup->schedule->days->len != current->days->len;
  for (guint i = 0; !catchup->changed && i < current->days->len; i++)
    {
      const PdDay *now_day = &g_array_index (catchup->schedule->days, PdDay, i);
      const PdDay *then = &g_array_index (current->days, PdDay, i);
      catchup->changed = now_day->contacts != then->contacts || now_day->cumulative != then->cumulative;
    }
  for (guint i = 0; i < catchup->schedule->days->len && i < current->days->len; i++)
    {
      const PdDay *now_day = &g_array_index (catchup->schedule->days, PdDay, i);
      const PdDay *then = &g_array_index (current->days, PdDay, i);
      if (g_date_compare (&now_day->date, &from) >= 0 && now_day->contacts != then->contacts)
        g_array_index (catchup->load_changed, gboolean, now_day->rep_index) = TRUE;
      if (now_day->contacts != then->contacts || now_day->cumulative != then->cumulative)
        g_array_index (catchup->days_changed, gboolean, now_day->rep_index) = TRUE;
    }
  return g_steal_pointer (&catchup);
}

gboolean
pd_catchup_store (PdStore *store, const PdCampaign *campaign, const PdSchedule *baseline, PdCatchup *catchup,
                  const GDate *as_of, gint64 now, GError **error)
{
  return pd_catchup_store_from (store, campaign, baseline, catchup, -1, as_of, now, error);
}

gboolean
pd_catchup_store_from (PdStore *store, const PdCampaign *campaign, const PdSchedule *baseline, PdCatchup *catchup,
                       gint64 parent, const GDate *as_of, gint64 now, GError **error)
{
  GError *save_error = NULL;
  g_autoptr (PdRevision) saved_baseline = NULL;
  g_autoptr (PdRevision) revision = NULL;
  GDate from = *as_of;

  g_date_add_days (&from, 1);
  if (!catchup->changed)
    return TRUE;

  /* The baseline is recorded once, before the first catch-up: a
   * campaign with a revision of either kind has one (every catch-up is
   * stored after it), so only the latest revision's head is read. */
  if (!pd_store_load_latest_head (store, campaign->id, &saved_baseline, error))
    return FALSE;
  revision = pd_catchup_revision_new (campaign, catchup->schedule, baseline, PD_REVISION_CATCHUP, &from, now);
  revision->parent = parent;
  if (saved_baseline == NULL)
    {
      /* Both in one transaction: a process losing the race reads the
       * catch-up as the latest revision, never the baseline alone. */
      g_autoptr (PdRevision) b = pd_catchup_revision_new (campaign, baseline, NULL, PD_REVISION_BASELINE,
                                                          &campaign->start, now);
      b->parent = parent;
      b->source = g_strdup (campaign->source_digest);
      if (!pd_store_save_first_catchup (store, b, revision, &catchup->revision_id, &save_error))
        return lost_to_other (store, campaign->id, catchup, save_error, error);
      return TRUE;
    }
  if (!pd_store_save_revision (store, revision, &catchup->revision_id, &save_error))
    return lost_to_other (store, campaign->id, catchup, save_error, error);
  return TRUE;
}

PdCatchup *
pd_catchup_run (PdStore *store, const PdCampaign *campaign, const PdSchedule *baseline,
                const PdSchedule *current, const GArray *daily, const GDate *as_of, gint64 now, GError **error)
{
  return pd_catchup_run_from (store, campaign, baseline, current, -1, daily, as_of, now, error);
}

PdCatchup *
pd_catchup_run_from (PdStore *store, const PdCampaign *campaign, const PdSchedule *baseline,
                     const PdSchedule *current, gint64 parent, const GArray *daily, const GDate *as_of,
                     gint64 now, GError **error)
{
  g_autoptr (PdCatchup) catchup = NULL;

  if (!pd_store_ensure_campaign (store, campaign->id, campaign->name, error))
    return NULL;
  catchup = pd_catchup_compute (campaign, baseline, current, daily, as_of, error);
  if (catchup == NULL || !pd_catchup_store_from (store, campaign, baseline, catchup, parent, as_of, now, error))
    return NULL;
  return g_steal_pointer (&catchup);
}

/* The [first, end) range of a rep's days in a schedule (sorted by rep). */
static void
rep_days (const PdSchedule *schedule, guint rep_index, guint *ret_first, guint *ret_end)
{
  guint low = 0, high = schedule->days->len;

  while (low < high)
    {
      guint mid = low + (high - low) / 2;

      if (g_array_index (schedule->days, PdDay, mid).rep_index < rep_index)
        low = mid + 1;
      else
        high = mid;
    }
  *ret_first = low;
  while (low < schedule->days->len && g_array_index (schedule->days, PdDay, low).rep_index == rep_index)
    low++;
  *ret_end = low;
}

/* One rep's re-spread days and blocks from `from` on. */
typedef struct {
  guint rep_index;
  GArray *days;   /* PdDay, owned */
  GArray *blocks; /* PdBlock, owned */
} RepAhead;

static void
rep_ahead_clear (gpointer data)
{
  RepAhead *ahead = data;

  g_clear_pointer (&ahead->days, g_array_unref);
  g_clear_pointer (&ahead->blocks, g_array_unref);
}

PdCatchup *
pd_catchup_run_reps (PdStore *store, const PdCampaign *campaign, const PdSchedule *baseline,
                     PdSchedule *in_force, const gboolean *reps, const gint64 *actual, const GDate *as_of,
                     gint64 now, GError **error)
{
  return pd_catchup_run_reps_from (store, campaign, baseline, in_force, -1, reps, actual, as_of, now, error);
}

PdCatchup *
pd_catchup_run_reps_from (PdStore *store, const PdCampaign *campaign, const PdSchedule *baseline,
                          PdSchedule *in_force, gint64 parent, const gboolean *reps, const gint64 *actual,
                          const GDate *as_of, gint64 now, GError **error)
{
  GError *save_error = NULL;
  g_autoptr (PdCatchup) catchup = g_new0 (PdCatchup, 1);
  g_autoptr (GArray) changed = g_array_new (FALSE, TRUE, sizeof (RepAhead));
  g_autoptr (PdRevision) revision = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  guint n_reps = campaign->reps->len;
  GDate from = *as_of;

  g_return_val_if_fail (store != NULL && campaign != NULL && baseline != NULL && in_force != NULL, NULL);
  g_return_val_if_fail (reps != NULL && actual != NULL && as_of != NULL, NULL);

  g_array_set_clear_func (changed, rep_ahead_clear);
  g_date_add_days (&from, 1);
  catchup_init_flags (catchup, n_reps);
  catchup->reps = g_array_new (FALSE, TRUE, sizeof (PdRespread));
  g_array_set_size (catchup->reps, n_reps);
  for (guint r = 0; r < n_reps; r++)
    g_date_clear (&g_array_index (catchup->reps, PdRespread, r).back_on, 1);

  /* Every listed rep re-spread first: a failure changes nothing. */
  for (guint r = 0; r < n_reps; r++)
    {
      RepAhead ahead = { r, NULL, NULL };
      gboolean differs = FALSE, loads = FALSE;
      guint first, end, k;

      if (!reps[r])
        continue;
      ahead.days = g_array_new (FALSE, FALSE, sizeof (PdDay));
      ahead.blocks = g_array_new (FALSE, FALSE, sizeof (PdBlock));
      if (!pd_schedule_respread_rep (campaign, baseline, in_force, &from, r, actual[r], ahead.days, ahead.blocks,
                                     &g_array_index (catchup->reps, PdRespread, r), error))
        {
          rep_ahead_clear (&ahead);
          return NULL;
        }
      /* Compared with the rep's days from `from` on in force. */
      rep_days (in_force, r, &first, &end);
      k = first;
      while (k < end && g_date_compare (&g_array_index (in_force->days, PdDay, k).date, &from) < 0)
        k++;
      differs = end - k != ahead.days->len;
      for (guint i = 0; i < ahead.days->len && k + i < end; i++)
        {
          const PdDay *now_day = &g_array_index (ahead.days, PdDay, i);
          const PdDay *then = &g_array_index (in_force->days, PdDay, k + i);

          loads = loads || now_day->contacts != then->contacts;
          differs = differs || now_day->contacts != then->contacts || now_day->cumulative != then->cumulative;
        }
      if (!differs)
        {
          rep_ahead_clear (&ahead);
          continue;
        }
      g_array_index (catchup->load_changed, gboolean, r) = loads;
      g_array_index (catchup->days_changed, gboolean, r) = TRUE;
      g_array_append_val (changed, ahead);
    }
  catchup->changed = changed->len > 0;
  if (!catchup->changed)
    return g_steal_pointer (&catchup);

  /* The changed reps' days as a revision keeps them: their history in
   * force, then the days re-spread. */
  revision = pd_revision_new (campaign->id, PD_REVISION_CATCHUP, &from, now);
  for (guint i = 0; i < changed->len; i++)
    {
      const RepAhead *ahead = &g_array_index (changed, RepAhead, i);
      const PdRep *rep = g_ptr_array_index (campaign->reps, ahead->rep_index);
      guint first, end, k;

      rep_days (in_force, ahead->rep_index, &first, &end);
      k = first;
      while (k < end && g_date_compare (&g_array_index (in_force->days, PdDay, k).date, &from) < 0)
        k++;
      revision_add_days (revision, campaign, &g_array_index (in_force->days, PdDay, first), k - first, baseline);
      revision_add_days (revision, campaign, (const PdDay *) (gconstpointer) ahead->days->data, ahead->days->len,
                         baseline);
      g_ptr_array_add (names, rep->name);
    }
  revision->parent = parent;
  if (!pd_store_save_catchup_reps (store, revision, (const char *const *) names->pdata, names->len,
                                   &catchup->revision_id, &save_error))
    return lost_to_other (store, campaign->id, catchup, save_error, error) ? g_steal_pointer (&catchup) : NULL;

  /* Stored: the schedule in force becomes it, in place. */
  for (guint i = 0; i < changed->len; i++)
    {
      const RepAhead *ahead = &g_array_index (changed, RepAhead, i);

      pd_schedule_replace_ahead (in_force, ahead->rep_index, &from, ahead->days, ahead->blocks);
    }
  return g_steal_pointer (&catchup);
}

PdCatchup *
pd_catchup_run_in_place_from (PdStore *store, const PdCampaign *campaign, const PdSchedule *baseline,
                              PdSchedule *in_force, gint64 parent, const GArray *daily, const GDate *as_of,
                              gint64 now, GError **error)
{
  GError *save_error = NULL;
  g_autoptr (PdCatchup) catchup = g_new0 (PdCatchup, 1);
  g_autoptr (PdRevision) revision = NULL;
  g_autoptr (GArray) ahead_days = g_array_new (FALSE, FALSE, sizeof (PdDay));
  g_autoptr (GArray) ahead_blocks = g_array_new (FALSE, FALSE, sizeof (PdBlock));
  guint n_reps = campaign->reps->len;
  g_autofree gint64 *actual = NULL;
  GDate from = *as_of;
  gboolean days_only;

  g_return_val_if_fail (store != NULL && campaign != NULL && baseline != NULL && in_force != NULL, NULL);
  g_return_val_if_fail (daily != NULL && as_of != NULL, NULL);

  actual = contacts_done (campaign, daily, as_of);
  g_date_add_days (&from, 1);
  catchup_init_flags (catchup, n_reps);
  catchup->reps = g_array_new (FALSE, TRUE, sizeof (PdRespread));
  g_array_set_size (catchup->reps, n_reps);

  /* The blocks go first: a re-spread reads the days only. A schedule of
   * days only stays one. */
  days_only = in_force->blocks == NULL;
  g_clear_pointer (&in_force->blocks, g_array_unref);
  if (!days_only)
    in_force->blocks = g_array_new (FALSE, FALSE, sizeof (PdBlock));
  revision = pd_revision_new (campaign->id, PD_REVISION_CATCHUP, &from, now);
  for (guint r = 0; r < n_reps; r++)
    {
      gboolean differs, loads = FALSE;
      guint first, end, k;

      g_array_set_size (ahead_days, 0);
      g_array_set_size (ahead_blocks, 0);
      if (!pd_schedule_respread_rep (campaign, baseline, in_force, &from, r, actual[r], ahead_days, ahead_blocks,
                                     &g_array_index (catchup->reps, PdRespread, r), error))
        return NULL;
      rep_days (in_force, r, &first, &end);
      k = first;
      while (k < end && g_date_compare (&g_array_index (in_force->days, PdDay, k).date, &from) < 0)
        k++;
      differs = end - k != ahead_days->len;
      for (guint i = 0; i < ahead_days->len && k + i < end; i++)
        {
          const PdDay *now_day = &g_array_index (ahead_days, PdDay, i);
          const PdDay *then = &g_array_index (in_force->days, PdDay, k + i);

          loads = loads || now_day->contacts != then->contacts;
          differs = differs || now_day->contacts != then->contacts || now_day->cumulative != then->cumulative;
        }
      if (differs)
        {
          g_array_index (catchup->load_changed, gboolean, r) = loads;
          g_array_index (catchup->days_changed, gboolean, r) = TRUE;
          catchup->changed = TRUE;
          pd_schedule_replace_days_ahead (in_force, r, &from, ahead_days);
          rep_days (in_force, r, &first, &end);
        }
      /* The revision keeps every rep's days that differ from the
       * baseline, changed now or by an earlier catch-up. */
      revision_add_days (revision, campaign, &g_array_index (in_force->days, PdDay, first), end - first, baseline);
    }
  g_clear_pointer (&ahead_days, g_array_unref);
  g_clear_pointer (&ahead_blocks, g_array_unref);

  if (catchup->changed)
    {
      g_autoptr (PdRevision) head = NULL;

      if (!pd_store_ensure_campaign (store, campaign->id, campaign->name, error)
          || !pd_store_load_latest_head (store, campaign->id, &head, error))
        return NULL;
      if (head == NULL)
        {
          g_autoptr (PdRevision) b = pd_catchup_revision_new (campaign, baseline, NULL, PD_REVISION_BASELINE,
                                                              &campaign->start, now);
          b->parent = parent;
          b->source = g_strdup (campaign->source_digest);
          if (!pd_store_save_revision (store, b, parent >= 0 ? &parent : NULL, &save_error))
            return lost_to_other (store, campaign->id, catchup, save_error, error) ? g_steal_pointer (&catchup)
                                                                                   : NULL;
        }
      revision->parent = parent;
      if (!pd_store_save_revision (store, revision, &catchup->revision_id, &save_error))
        return lost_to_other (store, campaign->id, catchup, save_error, error) ? g_steal_pointer (&catchup) : NULL;
    }
  g_clear_pointer (&revision, pd_revision_free);
  if (!days_only && !pd_schedule_make_blocks (campaign, in_force, error))
    return NULL;
  return g_steal_pointer (&catchup);
}

char *
pd_catchup_describe (const PdCampaign *campaign, const PdRespread *respread)
{
  return pd_alert_catchup_text (campaign, respread);
}

gboolean
pd_catchup_rep_starts (PdStore *store, PdCampaign *campaign, const GDate *today, gboolean record,
                       GError **error)
{
  guint n = campaign->reps->len;
  g_autofree const char **names = g_new0 (const char *, MAX (n, 1));
  g_autofree GDate *starts = g_new0 (GDate, MAX (n, 1));
  g_autoptr (GError) local_error = NULL;

  for (guint r = 0; r < n; r++)
    names[r] = ((const PdRep *) g_ptr_array_index (campaign->reps, r))->name;
  if (!pd_store_rep_starts (store, campaign->id, names, n, today, &campaign->start, record, starts,
                            &local_error))
    {
      if (!record || !g_error_matches (local_error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (!pd_store_ensure_campaign (store, campaign->id, campaign->name, error) ||
          !pd_store_rep_starts (store, campaign->id, names, n, today, &campaign->start, TRUE, starts, error))
        return FALSE;
    }
  for (guint r = 0; r < n; r++)
    {
      PdRep *rep = g_ptr_array_index (campaign->reps, r);

      if (rep->start_given)
        continue;
      g_date_clear (&rep->start, 1);
      if (g_date_compare (&starts[r], &campaign->start) <= 0)
        continue;
      rep->start = starts[r];
      (void) g_date_get_julian (&rep->start); /* both forms filled: read-only from here */
    }
  return TRUE;
}

/* A stored load by (rep << 32 | julian day). */
typedef struct {
  gint64 key;
  gint64 contacts;
} DayLoad;

static gint
compare_day_loads (gconstpointer a, gconstpointer b)
{
  gint64 x = ((const DayLoad *) a)->key, y = ((const DayLoad *) b)->key;

  return (x > y) - (x < y);
}

gboolean
pd_catchup_freeze_past (PdStore *store, PdCampaign *campaign, const GDate *today, gint64 now, gboolean record,
                        GError **error)
{
  g_autoptr (PdRevision) head = NULL;
  g_autoptr (PdRevision) stored = NULL;
  g_autoptr (PdScheduleBuilder) builder = NULL;
  g_autoptr (GArray) loads = NULL;
  g_autoptr (GError) ignored = NULL;
  g_autoptr (GArray) history = g_array_new (FALSE, TRUE, sizeof (PdPlannedDay));
  gboolean same = TRUE;
  guint built = 0;
  PdPlan plan;

  GDate yesterday = *today;

  g_clear_pointer (&campaign->history, g_array_unref);
  campaign->source_planned = FALSE;
  g_date_subtract_days (&yesterday, 1);
  /* A file whose plan or schedule fails is the command's to report. */
  if (!pd_plan_compute (&campaign->plan, &plan, &ignored))
    return TRUE;
  if (!pd_store_load_baseline_head (store, campaign->id, &head, error))
    return FALSE;
  gboolean unchanged = head != NULL && campaign->source_digest != NULL
                       && g_strcmp0 (head->source, campaign->source_digest) == 0;
  /* The stored baseline was made from this very text from the campaign's
   * start: its days are the file's, nothing to keep and nothing to record,
   * whatever the team's size (its days are not read). */
  if (unchanged && g_date_compare (&head->as_of, &campaign->start) <= 0)
    {
      campaign->source_planned = TRUE;
      return TRUE;
    }
  if (head != NULL && !pd_store_load_baseline (store, campaign->id, &stored, error))
    return FALSE;
  /* (The baseline read, which another process may have replaced since
   * its head was.) */
  unchanged = stored != NULL && campaign->source_digest != NULL
              && g_strcmp0 (stored->source, campaign->source_digest) == 0;
  if (stored == NULL)
    {
      g_autoptr (PdRevision) first = NULL;

      /* Nothing to keep, nothing to record: no schedule to build. */
      if (!record)
        return TRUE;
      /* A rep's days at a time, without blocks: a revision keeps loads. */
      builder = pd_schedule_builder_new (campaign, &plan);
      first = pd_revision_new (campaign->id, PD_REVISION_BASELINE, &campaign->start, now);
      first->source = g_strdup (campaign->source_digest);
      for (guint r = 0; r < campaign->reps->len; r++)
        {
          g_autoptr (PdSchedule) rep = pd_schedule_builder_rep_days (builder, r, &ignored);

          if (rep == NULL)
            return TRUE;
          revision_add_days (first, campaign, (const PdDay *) (gconstpointer) rep->days->data, rep->days->len, NULL);
        }
      return pd_store_ensure_campaign (store, campaign->id, campaign->name, error)
             && pd_store_save_revision (store, first, NULL, error);
    }

  /* The stored baseline's loads, by (rep, julian day): a sorted array
   * (at 1 000 reps a year is 250 000 of them; a hash table of them took
   * some 14 MiB). */
  loads = g_array_sized_new (FALSE, FALSE, sizeof (DayLoad), stored->days->len);
  for (guint i = 0; i < stored->days->len; i++)
    {
      const PdRevisionDay *day = &g_array_index (stored->days, PdRevisionDay, i);
      PdPlannedDay kept = { .date = day->date, .contacts = day->contacts };
      DayLoad load;

      if (pd_campaign_find_rep (campaign, day->rep, &kept.rep_index) == NULL)
        continue; /* a rep removed from the file */
      load.key = (gint64) kept.rep_index << 32 | g_date_get_julian (&kept.date);
      load.contacts = day->contacts;
      g_array_append_val (loads, load);
      if (g_date_compare (&kept.date, &yesterday) <= 0)
        g_array_append_val (history, kept);
    }
  g_clear_pointer (&stored, pd_revision_free);
  g_array_sort (loads, compare_day_loads);

  campaign->history = g_steal_pointer (&history);
  campaign->history_through = yesterday;
  (void) g_date_get_julian (&campaign->history_through); /* both forms filled: read-only from here */

  /* A baseline re-planned from this very text: its past days are kept
   * (read above), and the file's days with them are its days (a day's
   * load spread evenly, the remainder to the earliest, the same once
   * some of them are past: docs/scheduling.md), which fit, since they
   * were built from this text. */
  if (unchanged)
    {
      campaign->source_planned = TRUE;
      return TRUE;
    }

  /* The file's days with those loads kept, a rep at a time and without
   * blocks (whether each day fits is what matters here, not how its
   * blocks fall), compared with them. */
  builder = pd_schedule_builder_new (campaign, &plan);
  for (guint r = 0; r < campaign->reps->len; r++)
    {
      g_autoptr (PdSchedule) rep = pd_schedule_builder_rep_days (builder, r, &ignored);

      if (rep == NULL)
        {
          /* The kept loads no longer fit (the calendar changed): the file alone. */
          g_clear_pointer (&campaign->history, g_array_unref);
          return TRUE;
        }
      for (guint i = 0; same && i < rep->days->len; i++)
        {
          const PdDay *day = &g_array_index (rep->days, PdDay, i);
          GDate date = day->date;
          DayLoad key = { (gint64) day->rep_index << 32 | g_date_get_julian (&date), 0 };
          const DayLoad *load = bsearch (&key, loads->data, loads->len, sizeof (DayLoad), compare_day_loads);

          same = load != NULL && load->contacts == day->contacts;
        }
      built += rep->days->len;
    }
  same = same && built == loads->len;
  if (same || !record)
    return TRUE;

  /* The file changed: a new baseline, the same as the last one before
   * today, its days made again a rep at a time. */
  g_autoptr (PdRevision) revision = pd_revision_new (campaign->id, PD_REVISION_BASELINE, today, now);
  revision->source = g_strdup (campaign->source_digest);
  for (guint r = 0; r < campaign->reps->len; r++)
    {
      g_autoptr (PdSchedule) rep = pd_schedule_builder_rep_days (builder, r, &ignored);

      if (rep == NULL)
        return TRUE; /* (it did fit above) */
      revision_add_days (revision, campaign, (const PdDay *) (gconstpointer) rep->days->data, rep->days->len, NULL);
    }
  return pd_store_save_revision (store, revision, NULL, error);
}

