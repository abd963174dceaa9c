/* SPDX-License-Identifier: MIT
 *
 * alerts: every notification prospectd shows, its key and its text.
 *
 * Pure: figures come in (a block, a rep's progress, a catch-up), a
 * notification comes out, translated; no store, no clock, no display
 * (part of the core library).
 * The daemon decides when one is due (the evaluation), claims its key in
 * the store so that it is never shown twice, then shows it. The keys are
 * the store's record of what was shown: they never change.
 *
 *   reminder            reminder:<rep>:<YYYY-MM-DD>:<block index>
 *   checkpoint          checkpoint:<rep>:<YYYY-MM-DD of the checkpoint>
 *   behind              behind:<rep>:<YYYY-MM-DD of the check>
 *   catch-up impossible catchup-impossible:<rep>:<YYYY-MM-DD of the check>
 *   load changed        load-changed:<rep>:<YYYY-MM-DD>:<catch-up revision id>
 *   missed reminders    summary:<instant, UTC, YYYY-MM-DDTHH:MM:SSZ>
 *   follow-ups due      follow-ups:<rep>:<YYYY-MM-DD>
 *
 * and the daily check, recorded once run (shown to nobody):
 * check:<YYYY-MM-DD>.
 */
#pragma once

#include <glib.h>
#include "prospectd/campaign.h"
#include "prospectd/progress.h"
#include "prospectd/schedule.h"

typedef enum {
  PD_URGENCY_NORMAL,
  PD_URGENCY_CRITICAL, /* does not expire: keep for real alerts */
} PdUrgency;

typedef struct {
  char *key;         /* claimed in the store before it is shown, owned */
  char *slot;        /* the notifier's slot: a newer notification of the slot
                      * replaces this one on screen, owned */
  char *summary;     /* owned */
  char *body;        /* owned; may hold line breaks */
  PdUrgency urgency;
} PdAlert;

void pd_alert_free (PdAlert *alert);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdAlert, pd_alert_free)

/* "reminder:alice:2027-01-04:1": the key of a block's reminder. */
char *pd_alert_reminder_key (const char *rep, const GDate *date, guint index);

/* "check:2027-01-08": the daily check of `date`, once run. */
char *pd_alert_check_key (const GDate *date);

/* The reminder of `block` (slot "reminder:<campaign id>:<rep>"):
 *   "Call block at 09:00 — 8 contacts (New customers Q1 2027)"
 *   "alice, 09:00–09:16. Target today: 16 contacts." */
PdAlert *pd_alert_reminder (const PdCampaign *campaign, const PdBlock *block);

/* A checkpoint reached by rep `r` (slot "checkpoint:<campaign id>:<rep>"),
 * met (normal urgency) or missed (critical):
 *   "Checkpoint 2027-01-29 missed: alice (New customers Q1 2027)"
 *   "290 of 312 contacts done by 2027-01-29 (92.9%)."
 * NULL when there is nothing to say: the checkpoint is upcoming, or its
 * target is 0 (it falls before the rep's start). */
PdAlert *pd_alert_checkpoint (const PdCampaign *campaign, guint r, const PdCheckpointProgress *checkpoint);

/* Rep `r` behind at the daily check of `date` (slot
 * "alert:<campaign id>:<rep>"; critical when the rep missed a checkpoint):
 *   "alice is behind target (New customers Q1 2027)"
 *   "Planned 80 contacts by 2027-01-08, done 58: 22 short (27.5%).
 *    Catch-up scheduled: <pd_alert_catchup_text()>"
 * `respread` is the rep's catch-up, or NULL when the campaign ends that
 * day (no day left to catch up). */
PdAlert *pd_alert_behind (const PdCampaign *campaign,
                          guint r,
                          const PdRepProgress *progress,
                          const GDate *date,
                          const PdRespread *respread);

/* Rep `r` behind at the daily check of `date` when no catch-up can be
 * made (`reason`, the schedule's error message); critical, slot
 * "alert:<campaign id>:<rep>". */
PdAlert *pd_alert_catchup_impossible (const PdCampaign *campaign,
                                      guint r,
                                      const PdRepProgress *progress,
                                      const GDate *date,
                                      const char *reason);

/* Rep `r`'s loads after `date` changed with catch-up revision
 * `revision_id` (new activity after the check, or a shortfall made up);
 * slot "alert:<campaign id>:<rep>", normal urgency. */
PdAlert *pd_alert_load_changed (const PdCampaign *campaign,
                                guint r,
                                const GDate *date,
                                const PdRespread *respread,
                                gint64 revision_id);

/* The summary of `missed` reminders (> 0) whose blocks, from `first` to
 * `last`, ended unreminded; `now` (Unix seconds) names it. Slot
 * "summary", normal urgency. */
PdAlert *pd_alert_missed (guint missed, const GDate *first, const GDate *last, gint64 now);

/* A latent prospect whose follow-up is due (pd_alert_follow_ups()). */
typedef struct {
  gint64 id;            /* the prospect's id */
  const char *company;
  const char *contact;  /* or NULL */
  const char *phone;    /* E.164, or NULL */
  GDate follow_up;      /* the day set for it */
} PdFollowUp;

/* The latent follow-ups due to rep `r` on `date` (`n` > 0, in the order
 * given: the oldest follow-up first), one line each, at most 10 and then
 * how many more (slot "follow-ups:<campaign id>:<rep>", normal urgency):
 *   "3 follow-ups due today: alice (New customers Q1 2027)"
 *   "#12 Acme, Jean Dupont, +33123456789 (set for 2027-01-11)"
 * Key "follow-ups:<rep>:<YYYY-MM-DD>": one a day. */
PdAlert *pd_alert_follow_ups (const PdCampaign *campaign, guint r, const GDate *date, const PdFollowUp *follow_ups,
                              guint n);

/* A rep's catch-up in one sentence (translated); NULL when the rep is not
 * behind. See pd_catchup_describe(). */
char *pd_alert_catchup_text (const PdCampaign *campaign, const PdRespread *respread);
