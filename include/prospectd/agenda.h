/* SPDX-License-Identifier: MIT
 *
 * agenda: what the daemon has to do at a given instant, and when it next
 * has to wake up.
 *
 * Pure: the campaign, the schedule in force, whose notifications this
 * desktop shows, "now", and a predicate saying which notification keys are
 * already recorded come in; the reminders to send, the reminders missed,
 * the daily check to run and the next wake-up instant come out. Instants
 * are Unix seconds; local wall times become instants only through
 * pd_workcal_local_instant() (the one DST rule of workcal.h).
 *
 * The rules (prospectd(8), "TIMING"):
 *
 *  - a block's reminder is due at its start minus the campaign's reminder
 *    lead time; at `now` it is
 *      pending  when now < due instant,
 *      due      when due instant <= now < the block's end (a late reminder
 *               for a block still under way is still worth showing),
 *      missed   when the block has ended (end <= now): never replayed;
 *  - the daily check runs at daily_check local time on every check day: a
 *    day in [start, end] on which at least one rep is available, and every
 *    checkpoint date. Only the latest check day whose instant is <= now is
 *    run: after a long sleep the latest check supersedes the ones before
 *    it (progress is cumulative);
 *  - the next wake-up is the earliest pending reminder or check instant
 *    strictly after now.
 */
#pragma once

#include <glib.h>
#include "prospectd/campaign.h"
#include "prospectd/schedule.h"

typedef struct {
  PdBlock block;        /* a copy of the schedule's block */
  gint64 remind_at;     /* Unix seconds: block start - reminder lead time */
  gint64 start;         /* Unix seconds */
  gint64 end;           /* Unix seconds */
  char *key;            /* "reminder:<rep>:<YYYY-MM-DD>:<block index>", owned */
} PdReminder;

typedef enum {
  PD_REMINDER_PENDING,
  PD_REMINDER_DUE,
  PD_REMINDER_MISSED,
} PdReminderState;

/* Whether notification `key` of the campaign is recorded already. */
typedef gboolean (*PdAgendaRecordedFunc) (const char *key, gpointer user_data);

typedef struct {
  GArray *due;          /* PdReminder to send now, by remind_at then rep; owned */
  GArray *missed;       /* PdReminder whose block ended unreminded; owned */
  gboolean has_check;   /* a check day's instant is <= now */
  GDate check_date;     /* the latest such day (valid when has_check) */
  gint64 check_at;      /* its instant */
  gint64 next_wakeup;   /* Unix seconds, > now; 0 when nothing is left to do */
  char *next_reminder;  /* the key of the next pending reminder, or NULL; owned */
  GDate next_check_date;/* the next check day after now (valid when there is one) */
  gint64 next_check_at; /* its instant, or 0 */
  guint blocks_resolved;/* blocks whose local times this evaluation resolved:
                         * those of the days near now, not the campaign's */
} PdAgenda;

void pd_agenda_free (PdAgenda *agenda);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdAgenda, pd_agenda_free)

/* Whether `rep` is one of `notify_reps` (NULL-terminated; "*" is
 * everyone; NULL or empty is no one). */
gboolean pd_agenda_notifies (const char *const *notify_reps, const char *rep);

/* Every reminder of `schedule` for the reps in `notify_reps`, ordered by
 * remind_at, then schedule order. Returns a new GArray of PdReminder that
 * frees its keys; blocks whose times do not exist are skipped. */
GArray *pd_agenda_reminders (const PdCampaign *campaign,
                             const PdSchedule *schedule,
                             const char *const *notify_reps);

/* The state of `reminder` at `now` (see above). */
PdReminderState pd_agenda_reminder_state (const PdReminder *reminder, gint64 now);

/* Whether `date` is a check day of the campaign. */
gboolean pd_agenda_is_check_day (const PdCampaign *campaign, const GDate *date);

/* The instant of the daily check on `date` (Unix seconds). */
gint64 pd_agenda_check_instant (const PdCampaign *campaign, const GDate *date);

/* The blocks pd_agenda_evaluate() reads at `now` (the same `handled_until`):
 * those of the days from *ret_first_julian to *ret_last_julian (julian day
 * numbers, both included; G_MAXUINT32 when `now` has no local date: every
 * day) and, for each rep, its blocks of the first day after them that has
 * any. A schedule holding just those blocks (schedule.h, a schedule of
 * days only) gives the same agenda as the whole schedule. */
void pd_agenda_window (const PdCampaign *campaign,
                       gint64 now,
                       gint64 handled_until,
                       guint32 *ret_first_julian,
                       guint32 *ret_last_julian);

/* Evaluates the campaign at `now`: due and missed reminders are those not
 * recorded according to `recorded` (NULL: nothing is recorded). Reminders
 * whose block ended at or before `handled_until` are not looked at: the
 * caller says an earlier evaluation at that instant recorded them all
 * (G_MININT64: look at every one). Returns a new PdAgenda. */
PdAgenda *pd_agenda_evaluate (const PdCampaign *campaign,
                              const PdSchedule *schedule,
                              const char *const *notify_reps,
                              gint64 now,
                              gint64 handled_until,
                              PdAgendaRecordedFunc recorded,
                              gpointer user_data);
