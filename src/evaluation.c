/* SPDX-License-Identifier: MIT
 *
 * evaluation: what the daemon does when it wakes (pd_daemon_evaluate(),
 * see daemon.h; the user-facing rules are in prospectd(8)).
 *
 * For each campaign: the schedule in force (read once), the agenda at
 * "now", the daily check when due (progress, the automatic catch-up from
 * the day sums read for the check, whose result becomes the schedule in
 * force without reading it back), the feeds, the reminders due and those
 * missed. Every notification comes from alerts.c, and is claimed in the
 * store before it is shown, so that none is ever shown twice.
 */
#define G_LOG_DOMAIN "prospectd-daemon"

#include <errno.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "daemon-state.h"
#include "prospectd/agenda.h"
#include "prospectd/alerts.h"
#include "prospectd/callbook.h"
#include "prospectd/catchup.h"
#include "prospectd/feed.h"
#include "prospectd/feeddir.h"
#include "prospectd/format.h"
#include "prospectd/language.h"
#include "prospectd/progress.h"
#include "prospectd/publish.h"
#include "prospectd/store-prospects.h"

/* ---------------------------------------------------------- notifying */

typedef struct {
  PdStore *store;
  const char *campaign_id;
} RecordedContext;

static gboolean
recorded_in_store (const char *key, gpointer user_data)
{
  RecordedContext *context = user_data;
  gboolean sent = FALSE;

  /* A read error counts as "not recorded": the claim decides. */
  if (!pd_store_notification_sent (context->store, context->campaign_id, key, &sent, NULL, NULL))
    return FALSE;
  return sent;
}

static gboolean
is_recorded (PdDaemon *daemon, const char *campaign_id, const char *key)
{
  RecordedContext context = { daemon->store, campaign_id };
  return recorded_in_store (key, &context);
}

/* A notification's body on one log line: its line breaks as "\\n". */
static char *
one_line (const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  return g_strjoinv ("\\n", lines);
}

/* A notification a dry run would show: its key, urgency, summary, and
 * body, one line each, indented. */
static void
dry_run_notification (PdDaemon *daemon, const char *key, const char *summary, const char *body,
                      PdUrgency urgency)
{
  g_auto (GStrv) lines = g_strsplit (body, "\n", -1);
  const char *level = urgency == PD_URGENCY_CRITICAL ? _("critical") : _("normal");

  if (daemon->config->notifications)
    g_string_append_printf (daemon->dry_run, _("would show %s (%s urgency):\n"), key, level);
  else
    g_string_append_printf (daemon->dry_run, _("would record, not show (notifications off) %s (%s urgency):\n"),
                            key, level);
  g_string_append_printf (daemon->dry_run, "  %s\n", summary);
  for (guint i = 0; lines[i] != NULL; i++)
    g_string_append_printf (daemon->dry_run, "  %s\n", lines[i]);
}

/* Records the alert's key and, when this call recorded it, shows the
 * notification and logs it whole (summary and body) at info level.
 * Returns FALSE with error set only when the store failed. */
static gboolean
send_once (PdDaemon *daemon, const char *campaign_id, const PdAlert *alert, gint64 now, GError **error)
{
  g_autofree char *body_line = NULL;
  gboolean claimed = FALSE;

  if (!pd_store_notification_claim (daemon->store, campaign_id, alert->key, now, &claimed, error))
    return FALSE;
  if (!claimed)
    {
      g_debug ("already sent: '%s'", alert->key);
      return TRUE;
    }
  if (daemon->dry_run != NULL)
    {
      dry_run_notification (daemon, alert->key, alert->summary, alert->body, alert->urgency);
      return TRUE;
    }
  body_line = one_line (alert->body);
  if (pd_notifier_show (daemon->notifier, alert->slot, alert->summary, alert->body, alert->urgency))
    g_info ("sent %s: '%s': '%s'", alert->key, alert->summary, body_line);
  else
    g_info ("recorded, not shown (notifications %s) %s: '%s': '%s'",
            daemon->config->notifications ? _("unavailable") : _("off"), alert->key, alert->summary, body_line);
  return TRUE;
}

/* ----------------------------------------------------------- the check */

/* The notifications of one rep at the daily check of `date`: each
 * checkpoint reached and not told yet, then "behind" (with its catch-up,
 * or why there is none). */
static gboolean
notify_rep (PdDaemon *daemon, const PdDaemonCampaign *dc, guint r, const PdProgress *progress,
            const GDate *date, const PdCatchup *catchup, const GError *catchup_error, gint64 now,
            GError **error)
{
  const PdCampaign *campaign = dc->campaign;
  const PdRepProgress *rp = g_ptr_array_index (progress->reps, r);
  g_autoptr (PdAlert) alert = NULL;

  PdLanguageScope language;

  for (guint k = 0; k < rp->checkpoints->len; k++)
    {
      g_autoptr (PdAlert) reached = NULL;

      /* Every notification speaks the campaign's language. */
      language = pd_language_enter (campaign->language);
      reached = pd_alert_checkpoint (campaign, r, &g_array_index (rp->checkpoints, PdCheckpointProgress, k));
      pd_language_leave (&language);

      if (reached == NULL || is_recorded (daemon, campaign->id, reached->key))
        continue;
      if (!send_once (daemon, campaign->id, reached, now, error))
        return FALSE;
    }

  if (rp->pace != PD_PACE_BEHIND)
    return TRUE;
  language = pd_language_enter (campaign->language);
  if (catchup_error != NULL)
    alert = pd_alert_catchup_impossible (campaign, r, rp, date, catchup_error->message);
  else
    alert = pd_alert_behind (campaign, r, rp, date,
                             catchup != NULL ? &g_array_index (catchup->reps, PdRespread, r) : NULL);
  pd_language_leave (&language);
  return send_once (daemon, campaign->id, alert, now, error);
}

/* A gboolean per rep, all FALSE, in *flags when it is NULL. */
static void
ensure_flags (GArray **flags, guint n)
{
  if (*flags != NULL)
    {
      g_array_set_size (*flags, n);
      return;
    }
  *flags = g_array_sized_new (FALSE, TRUE, sizeof (gboolean), n);
  g_array_set_size (*flags, n);
}

/* The schedule in force has changed for the reps marked in `days_changed`
 * (all when NULL): their digests and their blocks near now are computed
 * again before they are read. */
static void
mark_stale (PdDaemonCampaign *dc, const GArray *days_changed)
{
  guint n = dc->campaign->reps->len;

  ensure_flags (&dc->digest_stale, n);
  ensure_flags (&dc->near_stale, n);
  for (guint r = 0; r < n; r++)
    if (days_changed == NULL || g_array_index (days_changed, gboolean, r))
      {
        g_array_index (dc->digest_stale, gboolean, r) = TRUE;
        g_array_index (dc->near_stale, gboolean, r) = TRUE;
      }
}

/* The schedule in force, in dc->in_force: kept from the last evaluation
 * when the store's latest revision is still the one it came from, else
 * read (pd_catchup_current()). */
static gboolean
schedule_in_force (PdDaemon *daemon, PdDaemonCampaign *dc, GError **error)
{
  g_autoptr (PdRevision) head = NULL;
  PdSchedule *schedule = NULL;
  gint64 revision_time = 0;

  if (!pd_store_load_latest_head (daemon->store, dc->campaign->id, &head, error))
    return FALSE;
  if (dc->in_force != NULL && dc->in_force_store == daemon->store_serial
      && dc->in_force_head == (head != NULL ? head->id : 0))
    return TRUE;
  /* Its days only: the blocks are made when needed (near_blocks(),
   * write_feeds()). */
  if (!pd_catchup_current_days (daemon->store, dc->campaign, dc->baseline, dc->baseline_time, &schedule,
                                &revision_time, error))
    return FALSE;
  pd_schedule_free (dc->in_force);
  dc->in_force = schedule;
  dc->in_force_time = revision_time;
  dc->in_force_head = head != NULL ? head->id : 0;
  dc->in_force_store = daemon->store_serial;
  g_date_clear (&dc->fresh_from, 1);
  mark_stale (dc, NULL);
  return TRUE;
}

/* The load-changed notifications of a catch-up re-run after the check:
 * each rep whose loads for the coming days changed, once per change. */
static gboolean
notify_load_changed (PdDaemon *daemon, const PdDaemonCampaign *dc, const GDate *date, const PdCatchup *catchup,
                     gint64 now, GError **error)
{
  const PdCampaign *campaign = dc->campaign;

  for (guint r = 0; r < campaign->reps->len; r++)
    {
      const PdRep *rep = g_ptr_array_index (campaign->reps, r);

      if (!g_array_index (catchup->load_changed, gboolean, r)
          || !pd_agenda_notifies ((const char *const *) daemon->config->notify_reps, rep->name))
        continue;
      /* Told once per change: the key holds the catch-up's revision id. */
      g_autoptr (PdAlert) alert = pd_alert_load_changed (campaign, r, date,
                                                         &g_array_index (catchup->reps, PdRespread, r),
                                                         catchup->revision_id);
      if (!send_once (daemon, campaign->id, alert, now, error))
        return FALSE;
    }
  return TRUE;
}

/* The catch-up re-run after the check of `date` for new activity, at the
 * cost of the reps whose activity changed: possible when the schedule in
 * force is the catch-up of that day this process stored (dc->fresh_from),
 * patched in place. Sets *ret_done to FALSE when it is not possible (the
 * caller runs the whole catch-up). */
static gboolean
rerun_changed_reps (PdDaemon *daemon, PdDaemonCampaign *dc, const GDate *date, gint64 now, gboolean *ret_done,
                    GError **error)
{
  const PdCampaign *campaign = dc->campaign;
  guint n = campaign->reps->len;
  g_auto (GStrv) changed = NULL;
  g_autofree gboolean *reps = NULL;
  g_autofree gint64 *actual = NULL;
  g_autoptr (PdCatchup) catchup = NULL;
  g_autoptr (GError) catchup_error = NULL;
  g_autofree char *day = NULL;
  GDate from = *date;
  gint64 mark = 0;
  guint listed = 0;

  g_date_add_days (&from, 1);
  *ret_done = FALSE;
  if (!g_date_valid (&dc->fresh_from) || g_date_compare (&dc->fresh_from, &from) != 0)
    return TRUE;
  if (!pd_store_activity_changes (daemon->store, campaign->id, dc->change_mark, &mark, &changed, error))
    return FALSE;
  *ret_done = TRUE;
  reps = g_new0 (gboolean, MAX (n, 1));
  actual = g_new0 (gint64, MAX (n, 1));
  for (guint i = 0; changed[i] != NULL; i++)
    {
      g_autoptr (GArray) daily = NULL;
      guint r;

      if (pd_campaign_find_rep (campaign, changed[i], &r) == NULL)
        continue; /* a rep no longer in the campaign file */
      if ((daily = pd_store_daily_contacts (daemon->store, campaign->id, changed[i], date, error)) == NULL)
        return FALSE;
      for (guint k = 0; k < daily->len; k++)
        actual[r] += g_array_index (daily, PdDailyContacts, k).contacts;
      reps[r] = TRUE;
      listed++;
    }
  dc->change_mark = mark;
  if (listed == 0)
    return TRUE;
  g_debug ("re-spread %u of %u reps of %s", listed, n, campaign->id);

  catchup = pd_catchup_run_reps_from (daemon->store, campaign, dc->baseline, dc->in_force, dc->in_force_head,
                                      reps, actual, date, now, &catchup_error);
  day = pd_format_date (date);
  if (catchup == NULL)
    {
      /* The schedule in force is no longer the catch-up of every rep. */
      g_date_clear (&dc->fresh_from, 1);
      if (catchup_error->domain != PD_SCHEDULE_ERROR)
        {
          g_propagate_error (error, g_steal_pointer (&catchup_error));
          return FALSE;
        }
      g_message ("catch-up impossible for %s as of %s: %s", campaign->id, day, catchup_error->message);
      return TRUE;
    }
  if (!catchup->changed)
    return TRUE;
  if (catchup->by_other)
    {
      /* Another daemon stored it first: its revision is read back. */
      g_message ("catch-up for %s as of %s stored by another process", campaign->id, day);
      g_date_clear (&dc->fresh_from, 1);
      dc->in_force_head = -1;
      return notify_load_changed (daemon, dc, date, catchup, now, error);
    }
  g_message ("catch-up scheduled for %s as of %s", campaign->id, day);
  if (daemon->dry_run != NULL)
    g_string_append_printf (daemon->dry_run, _("would store a catch-up for %s as of %s\n"), campaign->id, day);
  dc->in_force_time = now;
  dc->in_force_head = catchup->revision_id;
  mark_stale (dc, catchup->days_changed);
  return notify_load_changed (daemon, dc, date, catchup, now, error);
}

/* The daily check of `date` (the latest check day <= now): progress as of
 * that day against the baseline, the automatic catch-up when someone is
 * behind, then checkpoint and behind notifications. Recorded as
 * "check:<date>" once done, so it runs once; when `rerun` it only
 * re-spreads (new activity logged after the check), and tells the reps
 * whose loads for the coming days changed: the reps whose activity
 * changed only, when the schedule in force allows it. A catch-up that
 * changed the schedule in force replaces dc->in_force (or patches it). */
static gboolean
daily_check (PdDaemon *daemon, PdDaemonCampaign *dc, const GDate *date, gint64 now, gboolean rerun,
             GError **error)
{
  const PdCampaign *campaign = dc->campaign;
  g_autoptr (GArray) daily = NULL;
  g_autoptr (PdProgress) progress = NULL;
  g_autoptr (PdCatchup) catchup = NULL;
  g_autoptr (GError) catchup_error = NULL;
  g_autofree char *day = pd_format_date (date);
  g_autofree char *check_key = pd_alert_check_key (date);
  gboolean claimed = FALSE;
  gboolean behind = FALSE;
  gint64 mark = 0;
  PdTotals totals;

  if (rerun)
    {
      gboolean done = FALSE;

      if (!rerun_changed_reps (daemon, dc, date, now, &done, error))
        return FALSE;
      if (done)
        return TRUE;
    }

  /* The change mark before the day sums: what changes after it is
   * re-spread by the next re-run. */
  if (!pd_store_activity_changes (daemon->store, campaign->id, 0, &mark, NULL, error))
    return FALSE;
  if ((daily = pd_store_daily_contacts (daemon->store, campaign->id, NULL, date, error)) == NULL ||
      !pd_store_totals (daemon->store, campaign->id, NULL, date, &totals, error))
    return FALSE;
  progress = pd_progress_compute (campaign, &dc->plan, dc->baseline, date, daily, &totals);
  for (guint r = 0; r < progress->reps->len; r++)
    {
      const PdRepProgress *rp = g_ptr_array_index (progress->reps, r);
      behind = behind || rp->pace == PD_PACE_BEHIND;
    }

  if (!rerun)
    g_message ("daily check of %s for %s: %s", day, campaign->id,
               behind ? "someone is behind" : "everyone on track");
  if (!rerun && daemon->dry_run != NULL)
    g_string_append_printf (daemon->dry_run, _("would run the daily check of %s for %s: %s\n"), day,
                            campaign->id, behind ? _("someone is behind") : _("everyone on track"));
  if ((behind || rerun) && g_date_compare (date, &campaign->end) < 0)
    {
      /* In the campaign's language: why a catch-up is impossible goes
       * into a notification. */
      PdLanguageScope language = pd_language_enter (campaign->language);

      /* The whole catch-up is made a rep at a time in the schedule in
       * force, never beside it (at 1 000 reps a schedule is some 40 MB). */
      catchup = pd_catchup_run_in_place_from (daemon->store, campaign, dc->baseline, dc->in_force,
                                              dc->in_force_head, daily, date, now, &catchup_error);
      pd_language_leave (&language);
      if (catchup == NULL || catchup->by_other)
        {
          /* What it left is no revision's schedule: read again. */
          g_clear_pointer (&dc->in_force, pd_schedule_free);
          if (catchup == NULL
              && (catchup_error->domain != PD_SCHEDULE_ERROR || !schedule_in_force (daemon, dc, error)))
            {
              if (catchup_error->domain != PD_SCHEDULE_ERROR)
                g_propagate_error (error, g_steal_pointer (&catchup_error));
              return FALSE;
            }
        }
      if (catchup == NULL && catchup_error->domain != PD_SCHEDULE_ERROR)
        {
          g_propagate_error (error, g_steal_pointer (&catchup_error));
          return FALSE;
        }
      if (catchup == NULL)
        g_message ("catch-up impossible for %s as of %s: %s", campaign->id, day, catchup_error->message);
      else if (catchup->by_other)
        g_message ("catch-up for %s as of %s stored by another process", campaign->id, day);
      else if (catchup->changed)
        {
          g_message ("catch-up scheduled for %s as of %s", campaign->id, day);
          if (daemon->dry_run != NULL)
            g_string_append_printf (daemon->dry_run, _("would store a catch-up for %s as of %s\n"),
                                    campaign->id, day);
        }
    }
  for (guint r = 0; r < campaign->reps->len; r++)
    {
      const PdRep *rep = g_ptr_array_index (campaign->reps, r);
      const PdRepProgress *rp = g_ptr_array_index (progress->reps, r);
      gboolean told = !rerun && rp->pace == PD_PACE_BEHIND;

      if (!pd_agenda_notifies ((const char *const *) daemon->config->notify_reps, rep->name))
        continue;
      if (!rerun && !notify_rep (daemon, dc, r, progress, date, catchup, catchup_error, now, error))
        return FALSE;
      if (!told && catchup != NULL && catchup->changed && g_array_index (catchup->load_changed, gboolean, r))
        {
          /* Told once per change: the key holds the catch-up's revision id. */
          PdLanguageScope language = pd_language_enter (campaign->language);
          g_autoptr (PdAlert) alert = pd_alert_load_changed (campaign, r, date,
                                                             &g_array_index (catchup->reps, PdRespread, r),
                                                             catchup->revision_id);
          pd_language_leave (&language);
          if (!send_once (daemon, campaign->id, alert, now, error))
            return FALSE;
        }
    }
  if (!rerun && !pd_store_notification_claim (daemon->store, campaign->id, check_key, now, &claimed, error))
    return FALSE;
  if (catchup != NULL && catchup->by_other)
    {
      /* Stored by another daemon first: read back (schedule_in_force()). */
      g_date_clear (&dc->fresh_from, 1);
      dc->in_force_head = -1;
    }
  else if (catchup != NULL && catchup->changed)
    {
      /* The catch-up stored is the schedule in force now, patched in
       * place (its revision time is now): nothing to read again. */
      dc->in_force_time = now;
      dc->in_force_head = catchup->revision_id;
      dc->fresh_from = *date;
      g_date_add_days (&dc->fresh_from, 1);
      dc->change_mark = mark;
      mark_stale (dc, catchup->days_changed);
    }
  return TRUE;
}

/* ---------------------------------------------------------- evaluation */

typedef struct {
  GPtrArray *due;        /* Due*, owned */
  guint missed;          /* reminders missed (and now recorded) */
  const char *missed_language; /* their campaigns' language, when they share one */
  gboolean missed_languages;   /* they do not: the process's locale */
  GDate first, last;     /* the dates of their blocks */
  gint64 next_wakeup;    /* 0: none */
  char *next_reason;     /* owned */
  GTimeZone *next_zone;  /* the zone of next_reason's campaign, owned */
} Evaluation;

/* The reminders of one campaign to send once the evaluation is done. */
typedef struct {
  const PdDaemonCampaign *dc;
  GArray *reminders; /* PdReminder, owned */
} Due;

static Due *
due_new (const PdDaemonCampaign *dc, GArray *reminders)
{
  Due *due = g_new0 (Due, 1);
  due->dc = dc;
  due->reminders = reminders;
  return due;
}

static void
due_free (gpointer data)
{
  Due *due = data;
  g_array_unref (due->reminders);
  g_free (due);
}

/* Oldest follow-up first, then by id. */
static gint
compare_follow_ups (gconstpointer a, gconstpointer b)
{
  const PdProspect *x = *(PdProspect *const *) a, *y = *(PdProspect *const *) b;
  gint by_date = g_date_compare (&x->follow_up, &y->follow_up);

  return by_date != 0 ? by_date : (x->id > y->id) - (x->id < y->id);
}

/* The rep's latent follow-ups due on `date` (on or before it), in one
 * notification a day, sent with the day's first reminder shown and
 * claimed like the others: never twice, whatever restarts. Nothing is
 * sent nor recorded for a rep with none. */
static gboolean
send_follow_ups (PdDaemon *daemon, const PdCampaign *campaign, guint r, const GDate *date, gint64 now,
                 GError **error)
{
  const PdRep *rep = g_ptr_array_index (campaign->reps, r);
  g_autofree char *day = pd_format_date (date);
  g_autofree char *key = g_strdup_printf ("follow-ups:%s:%s", rep->name, day);
  g_autoptr (GPtrArray) due = NULL;
  g_autoptr (PdAlert) alert = NULL;
  g_autofree PdFollowUp *follow_ups = NULL;
  PdProspectFilter filter = { 0 };
  PdLanguageScope language;

  if (is_recorded (daemon, campaign->id, key))
    return TRUE;
  filter.by_state = TRUE;
  filter.state = PD_PROSPECT_LATENT;
  filter.rep = rep->name;
  filter.due = *date;
  if ((due = pd_store_list_prospects (daemon->store, campaign->id, &filter, error)) == NULL)
    return FALSE;
  if (due->len == 0)
    return TRUE;
  g_ptr_array_sort (due, compare_follow_ups);
  follow_ups = g_new0 (PdFollowUp, due->len);
  for (guint i = 0; i < due->len; i++)
    {
      const PdProspect *p = g_ptr_array_index (due, i);
      follow_ups[i] = (PdFollowUp) { p->id, p->company, p->contact, p->phone != NULL ? p->phone : p->mobile,
                                     p->follow_up };
    }
  language = pd_language_enter (campaign->language);
  alert = pd_alert_follow_ups (campaign, r, date, follow_ups, due->len);
  pd_language_leave (&language);
  return send_once (daemon, campaign->id, alert, now, error);
}

static gboolean
send_reminders (PdDaemon *daemon, const Due *due, gint64 now, GError **error)
{
  const PdCampaign *campaign = due->dc->campaign;
  const GArray *reminders = due->reminders;
  gboolean ok = TRUE;

  for (guint i = 0; i < reminders->len; i++)
    {
      const PdBlock *block = &g_array_index (reminders, PdReminder, i).block;

      if (!send_follow_ups (daemon, campaign, block->rep_index, &block->date, now, ok ? error : NULL))
        ok = FALSE;
      PdLanguageScope language = pd_language_enter (campaign->language);
      g_autoptr (PdAlert) alert = pd_alert_reminder (campaign, &g_array_index (reminders, PdReminder, i).block);

      pd_language_leave (&language);

      if (!send_once (daemon, campaign->id, alert, now, ok ? error : NULL))
        ok = FALSE;
    }

  return ok;
}

static void
note_wakeup (Evaluation *ev, const PdDaemonCampaign *dc, const PdAgenda *agenda)
{
  if (agenda->next_wakeup == 0 || (ev->next_wakeup != 0 && ev->next_wakeup <= agenda->next_wakeup))
    return;
  ev->next_wakeup = agenda->next_wakeup;
  g_free (ev->next_reason);
  g_clear_pointer (&ev->next_zone, g_time_zone_unref);
  ev->next_zone = g_time_zone_ref (dc->campaign->tz);
  if (agenda->next_check_at == agenda->next_wakeup)
    {
      g_autofree char *day = pd_format_date (&agenda->next_check_date);
      ev->next_reason = g_strdup_printf ("the daily check of %s (%s)", day, dc->campaign->id);
    }
  else
    ev->next_reason = g_strdup_printf ("%s (%s)", agenda->next_reminder, dc->campaign->id);
}

/* Fingerprints of each rep's blocks: what its feed is made of, once the
 * campaign (a reload makes a new PdDaemonCampaign) is fixed. An unchanged
 * event keeps its SEQUENCE and DTSTAMP, so equal blocks make equal feeds
 * whatever the revision time. A day's blocks are made from the rep, the
 * date, the day's contacts, minutes and cumulative figure alone
 * (pd_schedule_append_blocks(), the campaign fixed), so those of the days
 * that have blocks (contacts and minutes above 0) stand for the blocks,
 * which the schedule in force does not hold. */
#define DIGEST_SIZE 32 /* SHA-256 */

/* [first, end) of rep r's days in `days` (by rep, then date). */
static void
rep_days_range (const GArray *days, guint r, guint *ret_first, guint *ret_end)
{
  guint bounds[2];

  for (guint k = 0; k < 2; k++)
    {
      guint low = 0, high = days->len;

      while (low < high)
        {
          guint mid = low + (high - low) / 2;

          if (g_array_index (days, PdDay, mid).rep_index < r + k)
            low = mid + 1;
          else
            high = mid;
        }
      bounds[k] = low;
    }
  *ret_first = bounds[0];
  *ret_end = bounds[1];
}

/* The digests of the schedule in force (dc->digests), computed again for
 * the reps whose days changed since: one binary search and the rep's
 * days each. */
static void
update_digests (PdDaemonCampaign *dc)
{
  const PdCampaign *campaign = dc->campaign;
  const GArray *days = dc->in_force->days;
  guint n = campaign->reps->len;

  if (dc->digests == NULL || dc->digests->len != MAX (n, 1) * DIGEST_SIZE)
    {
      g_clear_pointer (&dc->digests, g_byte_array_unref);
      dc->digests = g_byte_array_sized_new (MAX (n, 1) * DIGEST_SIZE);
      g_byte_array_set_size (dc->digests, MAX (n, 1) * DIGEST_SIZE);
      memset (dc->digests->data, 0, dc->digests->len);
      ensure_flags (&dc->digest_stale, n);
      for (guint r = 0; r < n; r++)
        g_array_index (dc->digest_stale, gboolean, r) = TRUE;
    }
  for (guint r = 0; r < n; r++)
    {
      g_autoptr (GChecksum) checksum = NULL;
      gsize length = DIGEST_SIZE;
      guint first, end;

      if (!g_array_index (dc->digest_stale, gboolean, r))
        continue;
      g_array_index (dc->digest_stale, gboolean, r) = FALSE;
      checksum = g_checksum_new (G_CHECKSUM_SHA256);
      rep_days_range (days, r, &first, &end);
      for (guint i = first; i < end; i++)
        {
          const PdDay *day = &g_array_index (days, PdDay, i);
          gint64 fields[] = { g_date_get_julian (&day->date), day->contacts, day->minutes, day->cumulative };

          if (day->contacts <= 0 || day->minutes <= 0)
            continue; /* no block */
          g_checksum_update (checksum, (const guchar *) fields, sizeof fields);
        }
      g_checksum_get_digest (checksum, dc->digests->data + (gsize) r * DIGEST_SIZE, &length);
    }
}

/* A feed file as this process last wrote it or found it unchanged: a
 * file replaced, rewritten or truncated by anyone else since no longer
 * matches. All zeros: no file. */
typedef struct {
  guint64 device, inode, size;
  gint64 mtime_ns;
} FeedFile;

static FeedFile
feed_file (const char *path)
{
  FeedFile file = { 0 };
  struct stat info;

  if (path != NULL && lstat (path, &info) == 0)
    {
      file.device = (guint64) info.st_dev;
      file.inode = (guint64) info.st_ino;
      file.size = (guint64) info.st_size;
      file.mtime_ns = (gint64) info.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + info.st_mtim.tv_nsec;
    }
  return file;
}

/* ------------------------------------------------ blocks made on demand */

/* The schedule in force keeps its days only (pd_catchup_current_days()):
 * the blocks a wake-up reads are made from them when needed, those of the
 * days near now for the agenda and the call lists (near_blocks()), a few
 * reps' whole year for the feeds being written (write_feeds()), the same
 * blocks as pd_schedule_make_blocks() makes (at 1 000 reps a year's
 * blocks take 25 MiB, twice the days). */

/* A schedule of blocks made on demand: every rep's share, no day. */
static PdSchedule *
blocks_schedule_new (const PdSchedule *in_force)
{
  PdSchedule *schedule = g_new0 (PdSchedule, 1);

  schedule->rep_contacts = g_array_ref (in_force->rep_contacts);
  schedule->days = g_array_new (FALSE, FALSE, sizeof (PdDay));
  schedule->blocks = g_array_new (FALSE, FALSE, sizeof (PdBlock));
  return schedule;
}

/* Appends to `picked` rep r's days near now: those from day first_julian
 * to day last_julian (julian numbers, both included), then its first day
 * after them that has any contact. */
static void
pick_near_days (const GArray *days, guint r, guint32 first_julian, guint32 last_julian, GArray *picked)
{
  guint first, end, low, high, i;

  rep_days_range (days, r, &first, &end);
  /* A rep's days are by date: the first on or after first_julian. */
  low = first;
  high = end;
  while (low < high)
    {
      guint mid = low + (high - low) / 2;

      if (g_date_get_julian (&g_array_index (days, PdDay, mid).date) < first_julian)
        low = mid + 1;
      else
        high = mid;
    }
  for (i = low; i < end && g_date_get_julian (&g_array_index (days, PdDay, i).date) <= last_julian; i++)
    g_array_append_val (picked, g_array_index (days, PdDay, i));
  for (; i < end; i++)
    if (g_array_index (days, PdDay, i).contacts > 0)
      {
        g_array_append_val (picked, g_array_index (days, PdDay, i));
        break;
      }
}

/* Where each rep's blocks start in `blocks` (by rep), and where the last
 * one's end: n + 1 entries. */
static GArray *
rep_starts (const GArray *blocks, guint n)
{
  GArray *starts = g_array_sized_new (FALSE, FALSE, sizeof (guint), n + 1);
  guint b = 0;

  for (guint r = 0; r <= n; r++)
    {
      while (b < blocks->len && g_array_index (blocks, PdBlock, b).rep_index < r)
        b++;
      g_array_append_val (starts, b);
    }
  return starts;
}

/* The blocks of the days near now (dc->near, owned by dc): each rep's from
 * day first_julian to day last_julian (julian numbers, both included),
 * then those of its first day after them that has any. With the days the
 * agenda reads (pd_agenda_window()) and those of the call lists, it serves
 * both. Kept between wake-ups: the same window makes only the blocks of
 * the reps whose days in force changed since (dc->near_stale) again, the
 * others copied, so that one rep's log costs one rep; another window (a
 * new day), or no blocks kept, makes every rep's. The blocks are those a
 * whole build makes (pd_schedule_append_blocks() over the picked days),
 * the same first error. */
static const PdSchedule *
near_blocks (PdDaemonCampaign *dc, guint32 first_julian, guint32 last_julian, GError **error)
{
  const GArray *days = dc->in_force->days;
  guint n = dc->campaign->reps->len;
  /* Nothing is kept until made again: a failure leaves none. */
  g_autoptr (PdSchedule) kept = g_steal_pointer (&dc->near);
  g_autoptr (GArray) starts = g_steal_pointer (&dc->near_starts);
  g_autoptr (PdSchedule) near = NULL;
  g_autoptr (GArray) picked = g_array_new (FALSE, FALSE, sizeof (PdDay));
  gboolean whole = kept == NULL || starts == NULL || starts->len != n + 1 || dc->near_stale == NULL
                   || dc->near_stale->len != n || dc->near_first != first_julian || dc->near_last != last_julian;

  if (!whole)
    {
      gboolean any = FALSE;

      for (guint r = 0; r < n && !any; r++)
        any = g_array_index (dc->near_stale, gboolean, r);
      if (!any && kept->rep_contacts == dc->in_force->rep_contacts)
        {
          dc->near_starts = g_steal_pointer (&starts);
          dc->near = g_steal_pointer (&kept);
          return dc->near;
        }
    }
  near = blocks_schedule_new (dc->in_force);
  /* The call lists of the blocks made again are made again too. */
  ensure_flags (&dc->lists_stale, n);
  if (whole)
    {
      for (guint r = 0; r < n; r++)
        {
          g_array_index (dc->lists_stale, gboolean, r) = TRUE;
          pick_near_days (days, r, first_julian, last_julian, picked);
        }
      if (!pd_schedule_append_blocks (dc->campaign, (const PdDay *) (gconstpointer) picked->data, picked->len,
                                      near->blocks, error))
        return NULL;
    }
  else
    {
      g_array_set_size (near->blocks, 0);
      for (guint r = 0; r < n; r++)
        {
          guint from = g_array_index (starts, guint, r), to = g_array_index (starts, guint, r + 1);

          if (!g_array_index (dc->near_stale, gboolean, r))
            {
              if (to > from)
                g_array_append_vals (near->blocks, &g_array_index (kept->blocks, PdBlock, from), to - from);
              continue;
            }
          g_array_index (dc->lists_stale, gboolean, r) = TRUE;
          g_array_set_size (picked, 0);
          pick_near_days (days, r, first_julian, last_julian, picked);
          if (!pd_schedule_append_blocks (dc->campaign, (const PdDay *) (gconstpointer) picked->data,
                                          picked->len, near->blocks, error))
            return NULL;
        }
    }
  ensure_flags (&dc->near_stale, n);
  memset (dc->near_stale->data, 0, sizeof (gboolean) * n);
  dc->near_first = first_julian;
  dc->near_last = last_julian;
  dc->near_starts = rep_starts (near->blocks, n);
  dc->near = g_steal_pointer (&near);
  return dc->near;
}

/* Whether block a comes before block b in a schedule's order (rep, date,
 * index), and whether they are the same block. */
static gint
compare_blocks (const PdBlock *a, const PdBlock *b)
{
  if (a->rep_index != b->rep_index)
    return a->rep_index < b->rep_index ? -1 : 1;
  if (g_date_compare (&a->date, &b->date) != 0)
    return g_date_compare (&a->date, &b->date);
  return (a->index > b->index) - (a->index < b->index);
}

/* ------------------------------------------------ the call lists, kept */

/* One rep's call lists (dc->lists): those of its blocks near now of the
 * lists' days (from today over PD_CALL_HORIZON_DAYS days, the only ones
 * with a list), the blocks kept beside them. */
typedef struct {
  GArray *blocks;             /* PdBlock: the blocks they were made for, in order, owned */
  PdFeedCalls *calls;         /* list k that of blocks[k], owned; NULL: none (no prospect in the file) */
  gboolean any;               /* a block has a list */
  guint8 digest[DIGEST_SIZE]; /* SHA-256 of the lists (lists_digest()) */
} RepLists;

static void
rep_lists_clear (gpointer data)
{
  RepLists *lists = data;

  g_clear_pointer (&lists->blocks, g_array_unref);
  g_clear_pointer (&lists->calls, pd_feed_calls_free);
}

/* SHA-256 of one rep's lists into lists->digest: which of its blocks
 * have a list, by date and index, and their lines; the digest of nothing
 * without a list. */
static void
lists_digest (RepLists *lists)
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  const PdFeedCalls *calls = lists->calls;
  gsize length = DIGEST_SIZE;
  guint cursor = 0;

  lists->any = FALSE;
  for (guint b = 0; calls != NULL && b < pd_feed_calls_n_blocks (calls); b++)
    {
      const PdBlock *block = &g_array_index (lists->blocks, PdBlock, b);
      const PdCallBlock *list = pd_feed_calls_block_from (calls, b, &cursor);
      gint64 fields[4];

      if (list == NULL)
        continue;
      lists->any = TRUE;
      fields[0] = g_date_get_julian (&block->date);
      fields[1] = block->index;
      fields[2] = list->listed;
      fields[3] = list->contacts;
      g_checksum_update (checksum, (const guchar *) fields, sizeof fields);
      for (guint i = list->first; i < list->first + list->listed; i++)
        {
          PdCallLine line = pd_feed_calls_line (calls, i);
          const char *texts[] = { line.company, line.contact, line.phone };

          for (guint t = 0; t < G_N_ELEMENTS (texts); t++)
            g_checksum_update (checksum, (const guchar *) (texts[t] != NULL ? texts[t] : ""),
                               (gssize) strlen (texts[t] != NULL ? texts[t] : "") + 1);
          g_checksum_update (checksum, (const guchar *) &line.reason, sizeof line.reason);
        }
    }
  g_checksum_get_digest (checksum, lists->digest, &length);
}

/* The first of blocks [low, high) of `blocks` (one rep's, by date) dated
 * on or after julian day `julian`. */
static guint
first_block_from (const GArray *blocks, guint low, guint high, guint32 julian)
{
  while (low < high)
    {
      guint mid = low + (high - low) / 2;

      if (g_date_get_julian (&g_array_index (blocks, PdBlock, mid).date) < julian)
        low = mid + 1;
      else
        high = mid;
    }
  return low;
}

/* Whether two blocks are the same in every field. */
static gboolean
same_block (const PdBlock *a, const PdBlock *b)
{
  return a->rep_index == b->rep_index && g_date_compare (&a->date, &b->date) == 0 && a->index == b->index
         && a->start_minute == b->start_minute && a->end_minute == b->end_minute && a->contacts == b->contacts
         && a->day_contacts == b->day_contacts && a->cumulative == b->cumulative;
}

/* The call lists of the blocks near now (`near`, dc->near, made for
 * `today`), in dc->lists: made again for the reps whose prospects or
 * calls the store says changed since they were made (a call, an import,
 * a reassignment, an erasure) and for those whose blocks of the lists'
 * days changed (looked at for the reps whose near blocks were made again,
 * dc->lists_stale), the others kept; every rep's on another day, another
 * store, or when the campaign's file gained its first prospect or lost
 * its last. A rep's lists are those pd_callbook_feed_calls() makes for it
 * (pd_callbook_rep_feed_calls()), read from its prospects alone: one
 * rep's log or call costs one rep. Says at debug level how many reps'
 * lists it made. */
static gboolean
update_lists (PdDaemon *daemon, PdDaemonCampaign *dc, const PdSchedule *near, const GDate *today, GError **error)
{
  const PdCampaign *campaign = dc->campaign;
  guint n = campaign->reps->len;
  guint32 first_day = g_date_get_julian (today), end_day = first_day + PD_CALL_HORIZON_DAYS;
  g_autofree gboolean *changed_reps = g_new0 (gboolean, MAX (n, 1));
  g_auto (GStrv) changed = NULL;
  gboolean all, any = FALSE;
  gint64 mark = 0;
  guint made = 0;

  all = dc->lists == NULL || dc->lists->len != n || dc->lists_store != daemon->store_serial
        || !g_date_valid (&dc->lists_today) || g_date_compare (&dc->lists_today, today) != 0;
  /* The mark before the prospects are read: what changes after it is
   * named at the next wake-up. */
  if (!pd_store_prospect_changes (daemon->store, campaign->id, all ? 0 : dc->lists_mark, &mark,
                                  all ? NULL : &changed, error)
      || !pd_store_any_prospect (daemon->store, campaign->id, &any, error))
    return FALSE;
  ensure_flags (&dc->lists_stale, n);
  if (all || any != dc->lists_any)
    {
      g_clear_pointer (&dc->lists, g_array_unref);
      dc->lists = g_array_sized_new (FALSE, TRUE, sizeof (RepLists), n);
      g_array_set_clear_func (dc->lists, rep_lists_clear);
      g_array_set_size (dc->lists, n);
      for (guint r = 0; r < n; r++)
        changed_reps[r] = TRUE;
    }
  for (guint i = 0; changed != NULL && changed[i] != NULL; i++)
    {
      guint r;

      if (pd_campaign_find_rep (campaign, changed[i], &r) != NULL)
        changed_reps[r] = TRUE;
    }
  /* From now on the lists are those of this day and store (a failure
   * below drops them all). */
  dc->lists_today = *today;
  dc->lists_store = daemon->store_serial;
  dc->lists_any = any;
  for (guint r = 0; r < n; r++)
    {
      RepLists *lists = &g_array_index (dc->lists, RepLists, r);
      guint start = g_array_index (dc->near_starts, guint, r), end = g_array_index (dc->near_starts, guint, r + 1);
      guint first, last;
      const PdBlock *blocks;

      if (!changed_reps[r] && !g_array_index (dc->lists_stale, gboolean, r))
        continue;
      first = first_block_from (near->blocks, start, end, first_day);
      last = first_block_from (near->blocks, first, end, end_day);
      blocks = last > first ? &g_array_index (near->blocks, PdBlock, first) : NULL;
      if (!changed_reps[r] && lists->blocks != NULL && lists->blocks->len == last - first)
        {
          /* Its near blocks made again: the same blocks of the lists'
           * days keep the same lists. */
          gboolean same = TRUE;

          for (guint b = 0; same && b < last - first; b++)
            same = same_block (&g_array_index (lists->blocks, PdBlock, b), &blocks[b]);
          if (same)
            {
              g_array_index (dc->lists_stale, gboolean, r) = FALSE;
              continue;
            }
        }
      g_clear_pointer (&lists->blocks, g_array_unref);
      g_clear_pointer (&lists->calls, pd_feed_calls_free);
      lists->blocks = g_array_sized_new (FALSE, FALSE, sizeof (PdBlock), last - first);
      if (last > first)
        g_array_append_vals (lists->blocks, blocks, last - first);
      if (any)
        {
          lists->calls = pd_callbook_rep_feed_calls (daemon->store, campaign, r, blocks, last - first, today, error);
          if (lists->calls == NULL)
            {
              /* Every rep's made again at the next wake-up. */
              g_clear_pointer (&dc->lists, g_array_unref);
              return FALSE;
            }
          made++;
        }
      lists_digest (lists);
      g_array_index (dc->lists_stale, gboolean, r) = FALSE;
    }
  dc->lists_mark = mark;
  g_debug ("call lists made for %u of %u reps of %s", made, n, campaign->id);
  return TRUE;
}

/* Whether any rep's lists have a list (a campaign without a prospect
 * file has none: its feeds are made without). */
static gboolean
any_list (const PdDaemonCampaign *dc)
{
  for (guint r = 0; r < dc->lists->len; r++)
    if (g_array_index (dc->lists, RepLists, r).any)
      return TRUE;
  return FALSE;
}

/* The call lists kept (dc->lists) for the blocks of `part` (by rep, date
 * and index): each block of `part` that is one its rep's lists were made
 * for gets its list, lines copied. */
static PdFeedCalls *
part_calls_new (const PdDaemonCampaign *dc, const PdSchedule *part)
{
  PdFeedCalls *out = pd_feed_calls_new (part->blocks->len);
  const RepLists *lists = NULL;
  guint k = 0, cursor = 0;

  for (guint b = 0; b < part->blocks->len; b++)
    {
      const PdBlock *block = &g_array_index (part->blocks, PdBlock, b);
      const PdCallBlock *list;

      if (block->rep_index >= dc->lists->len)
        continue;
      if (lists != &g_array_index (dc->lists, RepLists, block->rep_index))
        {
          lists = &g_array_index (dc->lists, RepLists, block->rep_index);
          k = 0;
          cursor = 0;
        }
      if (lists->calls == NULL)
        continue;
      while (k < lists->blocks->len && compare_blocks (&g_array_index (lists->blocks, PdBlock, k), block) < 0)
        k++;
      if (k == lists->blocks->len || compare_blocks (&g_array_index (lists->blocks, PdBlock, k), block) != 0
          || (list = pd_feed_calls_block_from (lists->calls, k, &cursor)) == NULL)
        continue;
      pd_feed_calls_add_block (out, b, list->contacts);
      for (guint i = list->first; i < list->first + list->listed && i < pd_feed_calls_n_lines (lists->calls); i++)
        {
          PdCallLine line = pd_feed_calls_line (lists->calls, i);

          pd_feed_calls_add_line (out, pd_feed_calls_add_text (out, line.company, line.contact, line.phone),
                                  line.reason);
        }
    }
  return out;
}

/* The feeds are written (or, in a dry run, compared) this many reps at a
 * time, each part's blocks made from the days in force, then freed: 64
 * reps' year is some 1.6 MiB of blocks at the bench's load, against
 * 25 MiB for 1 000 reps. */
#define FEEDS_PER_PART 64

/* Writes the feeds of the reps marked in `reps` (in rep order), a part at
 * a time (FEEDS_PER_PART), as pd_publish_feeds_with_calls() writes them
 * from the whole schedule: the same bytes, the same first failure (the
 * feeds before it written). The call lists are those kept for the blocks
 * near now (dc->lists, update_lists()). */
static gboolean
write_feeds (PdDaemon *daemon, PdDaemonCampaign *dc, const gboolean *reps, gint64 revision_time, GError **error)
{
  const PdCampaign *campaign = dc->campaign;
  const GArray *days = dc->in_force->days;
  guint n = campaign->reps->len;
  g_autofree gboolean *in_part = g_new0 (gboolean, MAX (n, 1));
  g_autoptr (GArray) members = g_array_new (FALSE, FALSE, sizeof (guint));
  gboolean with_calls = any_list (dc);

  for (guint r = 0; r < n;)
    {
      g_autoptr (PdSchedule) part = blocks_schedule_new (dc->in_force);
      g_autoptr (PdFeedCalls) part_calls = NULL;
      g_autoptr (GArray) published = NULL;

      memset (in_part, 0, sizeof (gboolean) * MAX (n, 1));
      g_array_set_size (members, 0);
      for (; r < n && members->len < FEEDS_PER_PART; r++)
        {
          guint first, end;

          if (!reps[r])
            continue;
          rep_days_range (days, r, &first, &end);
          if (!pd_schedule_append_blocks (campaign, &g_array_index (days, PdDay, first), end - first, part->blocks,
                                          error))
            return FALSE;
          in_part[r] = TRUE;
          g_array_append_val (members, r);
        }
      if (members->len == 0)
        break;
      if (with_calls)
        part_calls = part_calls_new (dc, part);

      if (daemon->dry_run != NULL)
        {
          for (guint i = 0; i < members->len; i++)
            {
              guint m = g_array_index (members, guint, i);
              const PdRep *rep = g_ptr_array_index (campaign->reps, m);
              g_autofree char *path = pd_feed_path (daemon->config->feeds_dir, campaign->id, rep->name);
              PdFeedChanges changes;

              if (path == NULL)
                {
                  g_set_error (error, PD_FEED_ERROR, PD_FEED_ERROR_INVALID,
                               _("Not a plain file name: campaign '%s', rep '%s'"), campaign->id, rep->name);
                  return FALSE;
                }
              if (!pd_publish_preview (campaign, part, part_calls, m, path, revision_time,
                                       daemon->vtimezone_source, &changes, error))
                return FALSE;
              if (!changes.changed)
                g_string_append_printf (daemon->dry_run, _("feed unchanged: '%s'\n"), path);
              else
                {
                  g_autofree char *modified = g_strdup_printf (ngettext ("%u event changed", "%u events changed",
                                                                          changes.modified), changes.modified);
                  g_autofree char *added = g_strdup_printf (ngettext ("%u added", "%u added", changes.added),
                                                            changes.added);
                  g_autofree char *removed = g_strdup_printf (ngettext ("%u removed", "%u removed",
                                                                        changes.removed), changes.removed);

                  /* TRANSLATORS: the feed's path, then "N events changed, N added, N removed". */
                  g_string_append_printf (daemon->dry_run, _("would write feed: '%s' (%s, %s, %s)\n"), path,
                                          modified, added, removed);
                }
            }
          continue;
        }

      published = pd_publish_feeds_with_calls (campaign, part, part_calls, daemon->config->feeds_dir, in_part,
                                               revision_time, daemon->vtimezone_source, 0, error);
      if (published == NULL)
        return FALSE;
      if (dc->published_files == NULL)
        {
          dc->published_files = g_array_sized_new (FALSE, TRUE, sizeof (FeedFile), n);
          g_array_set_size (dc->published_files, n);
        }
      /* One entry per member, in rep order. */
      for (guint i = 0; i < published->len && i < members->len; i++)
        {
          const PdPublished *p = &g_array_index (published, PdPublished, i);

          g_array_index (dc->published_files, FeedFile, g_array_index (members, guint, i)) = feed_file (p->path);
          if (p->changed)
            g_message ("wrote feed: '%s'", p->path);
          else
            g_debug ("feed unchanged: '%s'", p->path);
        }
    }
  return TRUE;
}

/* Each rep's feed path in `feeds_dir` (NULL: its name is no plain file
 * name), made once for the campaign and kept (dc->feed_paths). */
static const GPtrArray *
feed_paths (PdDaemonCampaign *dc, const char *feeds_dir)
{
  const PdCampaign *campaign = dc->campaign;

  if (dc->feed_paths != NULL && g_strcmp0 (dc->feed_paths_dir, feeds_dir) == 0)
    return dc->feed_paths;
  g_clear_pointer (&dc->feed_paths, g_ptr_array_unref);
  g_clear_pointer (&dc->feed_names, g_hash_table_unref);
  g_free (dc->feed_paths_dir);
  dc->feed_paths_dir = g_strdup (feeds_dir);
  dc->feed_paths = g_ptr_array_new_full (campaign->reps->len, g_free);
  for (guint r = 0; r < campaign->reps->len; r++)
    {
      const PdRep *rep = g_ptr_array_index (campaign->reps, r);

      g_ptr_array_add (dc->feed_paths, pd_feed_path (feeds_dir, campaign->id, rep->name));
    }
  return dc->feed_paths;
}

/* ------------------------------------------------ the feed files watched
 *
 * Whether a feed on disk is still the one this process wrote (or found
 * unchanged) was an lstat() per rep at every wake-up: 1 000 of them for
 * one rep's log. The campaign's feeds directory is watched instead
 * (inotify): a rep's file is looked at again (lstat) only after an event
 * names it, and every one of them when the watch is new, lost, or
 * overflowed, or when the directory at the path is another one. A file
 * known unchanged since this process looked at it under the watch is
 * marked in dc->feed_seen. inotify hears only the changes made through
 * this machine's kernel: a directory on a network file system (changed
 * from another machine), or on any file system not known to be local, has
 * every file looked at at every wake-up, as without inotify or with a dry
 * run. */

#define FEED_EVENTS (IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM \
                     | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF)

/* OpenZFS's, which <linux/magic.h> does not have (it is not in the kernel). */
#define ZFS_SUPER_MAGIC 0x2FC12FC1

/* Whether `dir` is on a file system known to be local (statfs()'s f_type:
 * ext2/3/4, XFS, Btrfs, tmpfs, ZFS, F2FS, overlayfs): every change to its
 * files goes through this kernel, which inotify hears. */
static gboolean
local_file_system (const char *dir)
{
  static const unsigned long local[] = {
    EXT4_SUPER_MAGIC, /* ext2, ext3, ext4 */
    XFS_SUPER_MAGIC,
    BTRFS_SUPER_MAGIC,
    TMPFS_MAGIC,
    ZFS_SUPER_MAGIC,
    F2FS_SUPER_MAGIC,
    OVERLAYFS_SUPER_MAGIC,
  };
  struct statfs info;

  if (statfs (dir, &info) != 0)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (local); i++)
    if ((unsigned long) info.f_type == local[i])
      return TRUE;
  return FALSE;
}

/* Forgets the watch: every file is looked at again. */
static void
feeds_unwatch (PdDaemonCampaign *dc)
{
  if (dc->feeds_watch >= 0)
    close (dc->feeds_watch);
  dc->feeds_watch = -1;
  if (dc->feed_seen != NULL)
    memset (dc->feed_seen->data, 0, sizeof (gboolean) * dc->feed_seen->len);
}

/* The rep whose feed is `name` in the directory (G_MAXUINT: none). */
static guint
feed_of_name (PdDaemonCampaign *dc, const char *name)
{
  gpointer value;

  if (dc->feed_names == NULL)
    {
      dc->feed_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint r = 0; r < dc->feed_paths->len; r++)
        {
          const char *path = g_ptr_array_index (dc->feed_paths, r);

          if (path != NULL)
            g_hash_table_insert (dc->feed_names, g_path_get_basename (path), GUINT_TO_POINTER (r + 1));
        }
    }
  value = g_hash_table_lookup (dc->feed_names, name);
  return value != NULL ? GPOINTER_TO_UINT (value) - 1 : G_MAXUINT;
}

/* Watches the directory of the campaign's feeds (`paths`, all in one
 * directory) when it exists, and reads what happened in it since: the
 * files named are to be looked at again. */
static void
feeds_watch (PdDaemon *daemon, PdDaemonCampaign *dc, const GPtrArray *paths)
{
  g_autofree char *dir = NULL;
  struct stat info;
  guint n = dc->campaign->reps->len;

  ensure_flags (&dc->feed_seen, n);
  if (daemon->dry_run != NULL)
    {
      feeds_unwatch (dc);
      return;
    }
  for (guint r = 0; r < paths->len && dir == NULL; r++)
    if (g_ptr_array_index (paths, r) != NULL)
      dir = g_path_get_dirname (g_ptr_array_index (paths, r));
  for (guint r = 0; dir != NULL && r < paths->len; r++)
    {
      const char *path = g_ptr_array_index (paths, r);
      g_autofree char *other = path != NULL ? g_path_get_dirname (path) : NULL;

      if (other != NULL && !g_str_equal (other, dir))
        g_clear_pointer (&dir, g_free); /* not one directory: every file looked at */
    }
  /* The directory at the path, watched or not (one of its parents
   * renamed or replaced tells the watch nothing). */
  if (dir == NULL || stat (dir, &info) != 0
      || (dc->feeds_watch >= 0 && ((guint64) info.st_dev != dc->feeds_dir_device
                                   || (guint64) info.st_ino != dc->feeds_dir_inode)))
    feeds_unwatch (dc);
  if (dir == NULL)
    return;
  if (dc->feeds_watch < 0)
    {
      int fd;

      if (!local_file_system (dir) || (fd = inotify_init1 (IN_NONBLOCK | IN_CLOEXEC)) < 0)
        return;
      /* The directory itself, looked at after the watch is on: a
       * directory replaced in between is seen at the next wake-up. */
      if (inotify_add_watch (fd, dir, FEED_EVENTS | IN_ONLYDIR) < 0 || stat (dir, &info) != 0)
        {
          close (fd);
          return;
        }
      dc->feeds_watch = fd;
      dc->feeds_dir_device = (guint64) info.st_dev;
      dc->feeds_dir_inode = (guint64) info.st_ino;
      memset (dc->feed_seen->data, 0, sizeof (gboolean) * n);
      return;
    }
  for (;;)
    {
      /* Aligned for struct inotify_event. */
      char buffer[4096] __attribute__ ((aligned (__alignof__ (struct inotify_event))));
      ssize_t length = read (dc->feeds_watch, buffer, sizeof buffer);

      if (length < 0 && errno == EINTR)
        continue;
      if (length <= 0)
        {
          if (length < 0 && errno != EAGAIN)
            feeds_unwatch (dc);
          return;
        }
      for (char *at = buffer; at < buffer + length;)
        {
          const struct inotify_event *event = (const struct inotify_event *) (gpointer) at;

          at += sizeof (struct inotify_event) + event->len;
          if (event->mask & (IN_Q_OVERFLOW | IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT))
            {
              feeds_unwatch (dc);
              return;
            }
          if (event->len > 0)
            {
              guint r = feed_of_name (dc, event->name);

              if (r < n)
                g_array_index (dc->feed_seen, gboolean, r) = FALSE;
            }
        }
    }
}

/* Writes the feeds whose content may have changed: every rep's the first
 * time, then those whose blocks differ from what this process last wrote
 * and those whose file is gone or was changed by someone else (the feed
 * on disk must be the schedule in force, whoever stored it and whatever
 * happened to the file since). Rendering an unchanged feed would give
 * the same bytes (and leave the file alone) but takes the renderer's time
 * for every event: about 4 s of CPU for 1 000 reps a year. `near` holds
 * the blocks of the days near now (near_blocks()), those of the call
 * lists among them, kept with their lists (update_lists()). */
static gboolean
publish (PdDaemon *daemon, PdDaemonCampaign *dc, const PdSchedule *near, const GDate *today,
         gint64 revision_time, GError **error)
{
  const PdCampaign *campaign = dc->campaign;
  const guint8 *now;
  const guint8 *before = dc->published != NULL ? g_bytes_get_data (dc->published, NULL) : NULL;
  const guint8 *calls_before = NULL;
  g_autofree gboolean *reps = NULL;
  g_autofree guint8 *calls_now = NULL;
  const GPtrArray *paths;
  gboolean any = before == NULL;

  /* On a team's database, the feeds are the server's: written only by
   * the daemons whose configuration names a feeds directory. */
  if (!daemon->config->feeds_set && pd_store_name_is_server (pd_store_path (daemon->store)))
    return TRUE;
  update_digests (dc);
  now = dc->digests->data;

  /* The call lists from today: a feed whose lists changed is written too. */
  if (!update_lists (daemon, dc, near, today, error))
    return FALSE;
  calls_now = g_new (guint8, (gsize) MAX (campaign->reps->len, 1) * DIGEST_SIZE);
  memset (calls_now, 0, DIGEST_SIZE);
  for (guint r = 0; r < campaign->reps->len; r++)
    memcpy (calls_now + (gsize) r * DIGEST_SIZE, g_array_index (dc->lists, RepLists, r).digest, DIGEST_SIZE);
  if (dc->published_calls != NULL
      && g_bytes_get_size (dc->published_calls) == (gsize) MAX (campaign->reps->len, 1) * DIGEST_SIZE)
    calls_before = g_bytes_get_data (dc->published_calls, NULL);

  reps = g_new0 (gboolean, MAX (campaign->reps->len, 1));
  paths = feed_paths (dc, daemon->config->feeds_dir);
  feeds_watch (daemon, dc, paths);
  for (guint r = 0; r < campaign->reps->len; r++)
    {
      const char *path;
      FeedFile file;

      if (before == NULL)
        {
          reps[r] = TRUE;
          continue;
        }
      path = g_ptr_array_index (paths, r);
      /* Known unchanged since it was last looked at (feeds_watch()). */
      if (path != NULL && dc->published_files != NULL && g_array_index (dc->feed_seen, gboolean, r))
        file = g_array_index (dc->published_files, FeedFile, r);
      else
        file = feed_file (path);
      reps[r] = memcmp (before + r * DIGEST_SIZE, now + r * DIGEST_SIZE, DIGEST_SIZE) != 0
                || calls_before == NULL
                || memcmp (calls_before + r * DIGEST_SIZE, calls_now + r * DIGEST_SIZE, DIGEST_SIZE) != 0
                || path == NULL || file.inode == 0
                || dc->published_files == NULL
                || memcmp (&file, &g_array_index (dc->published_files, FeedFile, r), sizeof file) != 0;
      any = any || reps[r];
    }
  if (any)
    {
      if (!pd_feeddir_check (daemon->config->feeds_dir, daemon->database_id, pd_store_path (daemon->store),
                             daemon->dry_run == NULL, error)
          || !write_feeds (daemon, dc, reps, revision_time, error))
        return FALSE;
    }
  /* Every file is now the one recorded: found unchanged, or written
   * and looked at since (write_feeds()). Marked only under a watch set
   * before those looks: an event since names it again. */
  for (guint r = 0; dc->feeds_watch >= 0 && dc->published_files != NULL && r < campaign->reps->len; r++)
    g_array_index (dc->feed_seen, gboolean, r) = g_ptr_array_index (paths, r) != NULL
                                                  && g_array_index (dc->published_files, FeedFile, r).inode != 0;
  g_clear_pointer (&dc->published, g_bytes_unref);
  dc->published = g_bytes_new (dc->digests->data, dc->digests->len);
  g_clear_pointer (&dc->published_calls, g_bytes_unref);
  dc->published_calls = g_bytes_new_take (g_steal_pointer (&calls_now),
                                         (gsize) MAX (campaign->reps->len, 1) * DIGEST_SIZE);
  return TRUE;
}

/* The campaign's local date of `now`; FALSE when it has none. */
static gboolean
local_date (const PdCampaign *campaign, gint64 now, GDate *ret_date)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (now);
  g_autoptr (GDateTime) local = utc != NULL ? g_date_time_to_timezone (utc, campaign->tz) : NULL;

  if (local == NULL)
    return FALSE;
  g_date_clear (ret_date, 1);
  g_date_set_dmy (ret_date, (GDateDay) g_date_time_get_day_of_month (local), (GDateMonth) g_date_time_get_month (local),
                  (GDateYear) g_date_time_get_year (local));
  return TRUE;
}

/* The latest daily check at or before `now`, as pd_agenda_evaluate()
 * finds it (has_check, check_date), without the reminders: walked back
 * from the campaign's local date of `now`, a day or two. *ret_today says
 * whether it is that date. */
static gboolean
latest_check (const PdCampaign *campaign, gint64 now, GDate *ret_date, gboolean *ret_today)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (now);
  g_autoptr (GDateTime) here = utc != NULL ? g_date_time_to_timezone (utc, campaign->tz) : NULL;
  GDate local, date;

  if (here == NULL)
    return FALSE;
  g_date_clear (&local, 1);
  g_date_set_dmy (&local, (GDateDay) g_date_time_get_day_of_month (here), (GDateMonth) g_date_time_get_month (here),
                  (GDateYear) g_date_time_get_year (here));
  /* A check of a later day is later than `now`. */
  date = g_date_compare (&local, &campaign->end) < 0 ? local : campaign->end;
  for (; g_date_compare (&date, &campaign->start) >= 0; g_date_subtract_days (&date, 1))
    {
      gint64 at;

      if (pd_agenda_is_check_day (campaign, &date) && (at = pd_agenda_check_instant (campaign, &date)) >= 0
          && at <= now)
        {
          *ret_date = date;
          *ret_today = g_date_compare (&date, &local) == 0;
          return TRUE;
        }
      if (g_date_get_julian (&date) == 1)
        break;
    }
  return FALSE;
}

static gboolean
evaluate_campaign (PdDaemon *daemon, PdDaemonCampaign *dc, gint64 now, gboolean activity_changed,
                   Evaluation *ev, GError **error)
{
  const PdCampaign *campaign = dc->campaign;
  const char *const *notify_reps = (const char *const *) daemon->config->notify_reps;
  RecordedContext context = { daemon->store, campaign->id };
  g_autoptr (PdAgenda) agenda = NULL;
  const PdSchedule *near;
  gboolean ok = TRUE;
  gboolean today = FALSE;
  GError *local_error = NULL;
  GDate check_date, today_date;
  guint32 first_julian, last_julian, today_julian;

  if (!schedule_in_force (daemon, dc, error))
    return FALSE;
  /* (An instant without a local date is out of GDateTime's range, which
   * no clock gives: the campaign's start then.) */
  if (!local_date (campaign, now, &today_date))
    today_date = campaign->start;

  if (latest_check (campaign, now, &check_date, &today))
    {
      g_autofree char *check_key = pd_alert_check_key (&check_date);
      gboolean done = is_recorded (daemon, campaign->id, check_key);

      if ((!done || (activity_changed && today))
          && !daily_check (daemon, dc, &check_date, now, done, &local_error))
        {
          g_propagate_prefixed_error (error, local_error, "%s: ", campaign->id);
          return FALSE;
        }
      /* A catch-up stored by another daemon first: read back. */
      if (dc->in_force_head == -1 && !schedule_in_force (daemon, dc, error))
        return FALSE;
    }
  /* After the check: the schedule in force it leaves, the blocks of the
   * days near now made from its days for the agenda and the call lists. */
  pd_agenda_window (campaign, now, dc->handled_until, &first_julian, &last_julian);
  today_julian = g_date_get_julian (&today_date);
  first_julian = MIN (first_julian, today_julian);
  if (last_julian != G_MAXUINT32)
    last_julian = MAX (last_julian, today_julian + PD_CALL_HORIZON_DAYS - 1);
  near = near_blocks (dc, first_julian, last_julian, &local_error);
  if (near == NULL)
    {
      g_propagate_prefixed_error (error, local_error, "%s: ", campaign->id);
      return FALSE;
    }
  agenda = pd_agenda_evaluate (campaign, near, notify_reps, now, dc->handled_until, recorded_in_store, &context);

  if (!publish (daemon, dc, near, &today_date, dc->in_force_time, &local_error))
    {
      g_propagate_error (error, local_error);
      local_error = NULL;
      ok = FALSE;
    }

  /* Due reminders are sent after the summary of missed ones. */
  g_ptr_array_add (ev->due, due_new (dc, g_steal_pointer (&agenda->due)));

  /* Reminders of blocks that ended unreminded (asleep, stopped): recorded
   * so that they are never replayed, and counted for one summary. */
  for (guint i = 0; i < agenda->missed->len; i++)
    {
      const PdReminder *reminder = &g_array_index (agenda->missed, PdReminder, i);
      gboolean claimed = FALSE;

      if (!pd_store_notification_claim (daemon->store, campaign->id, reminder->key, now, &claimed,
                                        ok ? error : NULL))
        {
          ok = FALSE;
          continue;
        }
      if (!claimed)
        continue;
      g_message ("missed, not replayed: '%s'", reminder->key);
      if (ev->missed == 0 || g_date_compare (&reminder->block.date, &ev->first) < 0)
        ev->first = reminder->block.date;
      if (ev->missed == 0 || g_date_compare (&reminder->block.date, &ev->last) > 0)
        ev->last = reminder->block.date;
      if (ev->missed == 0)
        ev->missed_language = campaign->language;
      else if (g_strcmp0 (ev->missed_language, campaign->language) != 0)
        ev->missed_languages = TRUE;
      ev->missed++;
    }
  note_wakeup (ev, dc, agenda);
  return ok;
}

gboolean
pd_daemon_evaluate (PdDaemon *daemon, gint64 now, gboolean activity_changed, gint64 *ret_next_wakeup,
                    GError **error)
{
  Evaluation ev = { 0 };
  gboolean ok = TRUE;
  gint64 version = 0;

  ev.due = g_ptr_array_new_with_free_func (due_free);
  /* Read before the evaluation reads anything: another process's commit
   * that lands while it runs moves the version past this one, and the
   * next look at the database sees it (our own commits do not move it). */
  pd_store_data_version (daemon->store, &version, NULL);

  g_date_clear (&ev.first, 1);
  g_date_clear (&ev.last, 1);
  for (guint i = 0; i < daemon->campaigns->len; i++)
    {
      g_autoptr (GError) local_error = NULL;

      if (!evaluate_campaign (daemon, g_ptr_array_index (daemon->campaigns, i), now, activity_changed, &ev,
                              &local_error))
        {
          g_warning ("evaluation failed: %s", local_error->message);
          if (ok)
            g_propagate_error (error, g_steal_pointer (&local_error));
          ok = FALSE;
        }
    }

  if (ev.missed > 0)
    {
      PdLanguageScope language = pd_language_enter (ev.missed_languages ? NULL : ev.missed_language);
      g_autoptr (PdAlert) alert = pd_alert_missed (ev.missed, &ev.first, &ev.last, now);

      pd_language_leave (&language);
      g_autoptr (GError) local_error = NULL;

      if (!send_once (daemon, "", alert, now, &local_error))
        {
          g_warning ("evaluation failed: %s", local_error->message);
          if (ok)
            g_propagate_error (error, g_steal_pointer (&local_error));
          ok = FALSE;
        }
    }

  for (guint i = 0; i < ev.due->len; i++)
    {
      g_autoptr (GError) local_error = NULL;

      if (!send_reminders (daemon, g_ptr_array_index (ev.due, i), now, &local_error))
        {
          g_warning ("evaluation failed: %s", local_error->message);
          if (ok)
            g_propagate_error (error, g_steal_pointer (&local_error));
          ok = FALSE;
        }
    }
  g_ptr_array_unref (ev.due);

  /* Every reminder of a block ended by now is recorded: the next
   * evaluation need not ask the store about them again. */
  for (guint i = 0; ok && i < daemon->campaigns->len; i++)
    ((PdDaemonCampaign *) g_ptr_array_index (daemon->campaigns, i))->handled_until = now;
  daemon->data_version = version;
  g_free (daemon->wake_reason);
  daemon->wake_reason = g_steal_pointer (&ev.next_reason);
  g_clear_pointer (&daemon->wake_zone, g_time_zone_unref);
  daemon->wake_zone = g_steal_pointer (&ev.next_zone);
  *ret_next_wakeup = ev.next_wakeup;
  return ok;
}
