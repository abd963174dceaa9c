/* SPDX-License-Identifier: MIT
 *
 * alerts: the key and the text of every notification (see the header).
 */
#include <glib/gi18n.h>

#include "prospectd/alerts.h"
#include "prospectd/format.h"

void
pd_alert_free (PdAlert *alert)
{
  if (alert == NULL)
    return;
  g_free (alert->key);
  g_free (alert->slot);
  g_free (alert->summary);
  g_free (alert->body);
  g_free (alert);
}

static PdAlert *
alert_new (char *key, char *slot, char *summary, char *body, PdUrgency urgency)
{
  PdAlert *alert = g_new0 (PdAlert, 1);

  alert->key = key;
  alert->slot = slot;
  alert->summary = summary;
  alert->body = body;
  alert->urgency = urgency;
  return alert;
}

static const char *
rep_name (const PdCampaign *campaign, guint r)
{
  return ((const PdRep *) g_ptr_array_index (campaign->reps, r))->name;
}

/* "1 contact", "1 864 contacts": a count of contacts in a sentence. */
static char *
contacts_text (gint64 count)
{
  g_autofree char *number = pd_format_count (count);

  return g_strdup_printf (ngettext ("%s contact", "%s contacts", (gulong) CLAMP (count, 0, G_MAXINT)), number);
}

/* A share as a percentage rounded to a tenth: (22, 80) -> "27.5%". */
static char *
format_share (gint64 part, gint64 whole)
{
  gint64 tenths = whole > 0 ? (part * 1000 + whole / 2) / whole : 0;
  return pd_format_rate (tenths * 1000);
}

char *
pd_alert_reminder_key (const char *rep, const GDate *date, guint index)
{
  char day[16];

  g_date_strftime (day, sizeof day, "%Y-%m-%d", date);
  return g_strdup_printf ("reminder:%s:%s:%u", rep, day, index);
}

char *
pd_alert_check_key (const GDate *date)
{
  g_autofree char *day = pd_format_date (date);
  return g_strdup_printf ("check:%s", day);
}

PdAlert *
pd_alert_reminder (const PdCampaign *campaign, const PdBlock *block)
{
  const char *rep = rep_name (campaign, block->rep_index);
  g_autofree char *start = pd_format_time_of_day (block->start_minute);
  g_autofree char *end = pd_format_time_of_day (block->end_minute);
  g_autofree char *contacts = pd_format_count (block->contacts);
  g_autofree char *day_contacts = pd_format_count (block->day_contacts);

  return alert_new (pd_alert_reminder_key (rep, &block->date, block->index),
                    g_strdup_printf ("reminder:%s:%s", campaign->id, rep),
                    g_strdup_printf (ngettext ("Call block at %s — %s contact (%s)",
                                               "Call block at %s — %s contacts (%s)", (gulong) block->contacts),
                                     start, contacts, campaign->name),
                    g_strdup_printf (ngettext ("%s, %s–%s. Target today: %s contact.",
                                               "%s, %s–%s. Target today: %s contacts.",
                                               (gulong) block->day_contacts),
                                     rep, start, end, day_contacts),
                    PD_URGENCY_NORMAL);
}

PdAlert *
pd_alert_checkpoint (const PdCampaign *campaign, guint r, const PdCheckpointProgress *checkpoint)
{
  const char *rep = rep_name (campaign, r);
  gboolean met = checkpoint->state == PD_CHECKPOINT_MET;

  if (checkpoint->state == PD_CHECKPOINT_UPCOMING || checkpoint->target == 0) /* 0: before the rep's start */
    return NULL;

  g_autofree char *day = pd_format_date (&checkpoint->date);
  g_autofree char *day_text = pd_format_date_text (&checkpoint->date);
  g_autofree char *actual = pd_format_count (checkpoint->actual);
  g_autofree char *target = contacts_text (checkpoint->target);
  g_autofree char *share = format_share (checkpoint->actual, checkpoint->target);

  return alert_new (g_strdup_printf ("checkpoint:%s:%s", rep, day),
                    g_strdup_printf ("checkpoint:%s:%s", campaign->id, rep),
                    g_strdup_printf (met ? _("Checkpoint %s met: %s (%s)") : _("Checkpoint %s missed: %s (%s)"),
                                     day_text, rep, campaign->name),
                    /* TRANSLATORS: "58 of 80 contacts done by 2027-01-29 (72.5%)." */
                    g_strdup_printf (_("%s of %s done by %s (%s)."), actual, target, day_text, share),
                    met ? PD_URGENCY_NORMAL : PD_URGENCY_CRITICAL);
}

/* "Planned 80 contacts by 2027-01-08, done 58: 22 short (27.5%)." */
static char *
behind_line (const PdRepProgress *rp, const GDate *date)
{
  g_autofree char *planned = contacts_text (rp->planned);
  g_autofree char *actual = pd_format_count (rp->actual);
  g_autofree char *short_by = pd_format_count (rp->planned - rp->actual);
  g_autofree char *share = format_share (rp->planned - rp->actual, rp->planned);
  g_autofree char *day = pd_format_date_text (date);

  /* TRANSLATORS: "Planned 80 contacts by 2027-01-08, done 58: 22 short (27.5%)." */
  return g_strdup_printf (_("Planned %s by %s, done %s: %s short (%s)."),
                          planned, day, actual, short_by, share);
}

static gboolean
missed_a_checkpoint (const PdRepProgress *rp)
{
  for (guint k = 0; k < rp->checkpoints->len; k++)
    if (g_array_index (rp->checkpoints, PdCheckpointProgress, k).state == PD_CHECKPOINT_MISSED)
      return TRUE;
  return FALSE;
}

PdAlert *
pd_alert_behind (const PdCampaign *campaign, guint r, const PdRepProgress *progress, const GDate *date,
                 const PdRespread *respread)
{
  const char *rep = rep_name (campaign, r);
  g_autofree char *day = pd_format_date (date);
  g_autofree char *line = behind_line (progress, date);
  char *body;

  if (respread == NULL)
    body = g_strdup_printf ("%s\n%s", line, _("The campaign ends today: no day left to catch up."));
  else
    {
      g_autofree char *description = pd_alert_catchup_text (campaign, respread);

      body = description != NULL ? g_strdup_printf (_("%s\nCatch-up scheduled: %s"), line, description)
                                 : g_strdup (line);
    }
  return alert_new (g_strdup_printf ("behind:%s:%s", rep, day),
                    g_strdup_printf ("alert:%s:%s", campaign->id, rep),
                    g_strdup_printf (_("%s is behind target (%s)"), rep, campaign->name), body,
                    missed_a_checkpoint (progress) ? PD_URGENCY_CRITICAL : PD_URGENCY_NORMAL);
}

PdAlert *
pd_alert_catchup_impossible (const PdCampaign *campaign, guint r, const PdRepProgress *progress,
                             const GDate *date, const char *reason)
{
  const char *rep = rep_name (campaign, r);
  g_autofree char *day = pd_format_date (date);
  g_autofree char *line = behind_line (progress, date);

  return alert_new (g_strdup_printf ("catchup-impossible:%s:%s", rep, day),
                    g_strdup_printf ("alert:%s:%s", campaign->id, rep),
                    g_strdup_printf (_("Catch-up impossible: %s (%s)"), rep, campaign->name),
                    g_strdup_printf ("%s\n%s", line, reason), PD_URGENCY_CRITICAL);
}

PdAlert *
pd_alert_load_changed (const PdCampaign *campaign, guint r, const GDate *date, const PdRespread *respread,
                       gint64 revision_id)
{
  const char *rep = rep_name (campaign, r);
  g_autofree char *day = pd_format_date (date);
  g_autofree char *day_text = pd_format_date_text (date);
  g_autofree char *description = pd_alert_catchup_text (campaign, respread);
  g_autofree char *actual = contacts_text (respread->actual);
  char *body;

  if (description != NULL)
    {
      g_autofree char *shortfall = pd_format_count (respread->shortfall);
      /* TRANSLATORS: "58 contacts done by 2027-01-08, 22 short. New catch-up: ..." */
      body = g_strdup_printf (_("%s done by %s, %s short. New catch-up: %s"), actual, day_text, shortfall,
                              description);
    }
  else
    body = g_strdup_printf (_("%s done by %s: on plan, back to the plan's loads."), actual, day_text);
  return alert_new (g_strdup_printf ("load-changed:%s:%s:%" G_GINT64_FORMAT, rep, day, revision_id),
                    g_strdup_printf ("alert:%s:%s", campaign->id, rep),
                    g_strdup_printf (_("Your calls after %s changed: %s (%s)"), day_text, rep, campaign->name), body,
                    PD_URGENCY_NORMAL);
}

PdAlert *
pd_alert_missed (guint missed, const GDate *first, const GDate *last, gint64 now)
{
  g_autoptr (GDateTime) instant = g_date_time_new_from_unix_utc (now);
  g_autofree char *stamp = instant != NULL ? g_date_time_format (instant, "%Y-%m-%dT%H:%M:%SZ") : NULL;
  g_autofree char *first_day = pd_format_date_text (first);
  g_autofree char *last_day = pd_format_date_text (last);
  char *body;

  if (g_date_compare (first, last) == 0)
    body = g_strdup_printf (ngettext ("The call block on %s ended while prospectd was not running or the "
                                      "computer was asleep.",
                                      "Call blocks on %s ended while prospectd was not running or the "
                                      "computer was asleep.", missed), first_day);
  else
    body = g_strdup_printf (_("Call blocks from %s to %s ended while prospectd was not "
                              "running or the computer was asleep."), first_day, last_day);
  return alert_new (g_strdup_printf ("summary:%s", stamp != NULL ? stamp : "?"), g_strdup ("summary"),
                    g_strdup_printf (ngettext ("Missed %u call-block reminder", "Missed %u call-block reminders",
                                               missed), missed),
                    body, PD_URGENCY_NORMAL);
}

PdAlert *
pd_alert_follow_ups (const PdCampaign *campaign, guint r, const GDate *date, const PdFollowUp *follow_ups, guint n)
{
  const char *rep = rep_name (campaign, r);
  g_autofree char *day = pd_format_date (date);
  GString *body = g_string_new (NULL);
  guint shown = MIN (n, 10);

  g_return_val_if_fail (n > 0 && follow_ups != NULL, NULL);

  for (guint i = 0; i < shown; i++)
    {
      const PdFollowUp *f = &follow_ups[i];
      g_autofree char *set_for = pd_format_date_text (&f->follow_up);

      if (i > 0)
        g_string_append_c (body, '\n');
      g_string_append_printf (body, "#%" G_GINT64_FORMAT " %s", f->id, f->company);
      if (f->contact != NULL)
        g_string_append_printf (body, ", %s", f->contact);
      if (f->phone != NULL)
        g_string_append_printf (body, ", %s", f->phone);
      /* TRANSLATORS: the day a latent prospect's follow-up was set for */
      g_string_append_printf (body, _(" (set for %s)"), set_for);
    }
  if (n > shown)
    g_string_append_printf (body, ngettext ("\n…and %u more (prospectctl prospects list --due)",
                                            "\n…and %u more (prospectctl prospects list --due)", n - shown),
                            n - shown);
  return alert_new (g_strdup_printf ("follow-ups:%s:%s", rep, day), g_strdup_printf ("follow-ups:%s:%s", campaign->id, rep),
                    g_strdup_printf (ngettext ("%u follow-up due today: %s (%s)", "%u follow-ups due today: %s (%s)", n),
                                     n, rep, campaign->name),
                    g_string_free (body, FALSE), PD_URGENCY_NORMAL);
}

char *
pd_alert_catchup_text (const PdCampaign *campaign, const PdRespread *respread)
{
  g_return_val_if_fail (campaign != NULL && respread != NULL, NULL);

  if (respread->shortfall <= 0)
    return NULL;

  g_autofree char *contacts = contacts_text (respread->contacts);
  g_autofree char *most = pd_format_count (respread->most);
  /* TRANSLATORS: "254 contacts over 15 working days, at most 17 a day" */
  g_autofree char *spread = g_strdup_printf (ngettext ("%s over %u working day, at most %s a day",
                                                       "%s over %u working days, at most %s a day",
                                                       respread->days),
                                             contacts, respread->days, most);

  if (respread->on_time || g_date_valid (&respread->back_on))
    {
      g_autofree char *day = pd_format_date_text (&respread->back_on);
      g_autofree char *target = contacts_text (respread->actual + respread->contacts);

      /* TRANSLATORS: "back on target by 2027-01-29 (312 contacts): ..." */
      if (respread->on_time)
        return g_strdup_printf (_("back on target by %s (%s): %s."), day, target, spread);

      if (respread->checkpoint < 0)
        return g_strdup_printf (_("at full capacity, back on target on %s (%s): %s."), day, target,
                                spread);
      GDate checkpoint_date = g_array_index (campaign->checkpoints, PdCheckpoint, respread->checkpoint).date;
      g_autofree char *checkpoint = pd_format_date_text (&checkpoint_date);
      return g_strdup_printf (_("at full capacity, back on target on %s (%s), after the %s "
                                "checkpoint: %s."),
                              day, target, checkpoint, spread);
    }

  g_autofree char *uncovered = contacts_text (respread->uncovered);
  return g_strdup_printf (ngettext ("at full capacity to the end: %s; %s left uncovered.",
                                    "at full capacity to the end: %s; %s left uncovered.",
                                    (gulong) CLAMP (respread->uncovered, 0, G_MAXINT)),
                          spread, uncovered);
}
