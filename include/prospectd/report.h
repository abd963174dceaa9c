/* SPDX-License-Identifier: MIT
 *
 * report: a campaign as one self-contained HTML page for managers — the
 * figures `prospectctl status` computes (progress.h), drawn and tabled:
 * the burn-up of the team and of each rep against the plan's curve with
 * its checkpoints (inline SVG), the checkpoints met or missed, the
 * per-rep table, the funnel planned, done and at the observed rates, and
 * each observed rate with its 90 % interval (rates.h); and, once the
 * campaign has prospects (its prospect file), its sources, segments
 * (sectors) and prescribers, each with its prospects, those reached, the
 * active ones and its accessibility rate with its 90 % interval.
 *
 * The page needs nothing else: no script, no style sheet, font or image
 * fetched from anywhere (its CSS is inline, its charts inline SVG), and no
 * URL at all in a src or href attribute. It reads on a phone (narrow
 * screens: tables scroll sideways inside their box, charts scale to the
 * width) and prints on A4 (a print style sheet, `@page { size: A4 }`).
 * Every text that comes from a file or the store (campaign, rep names) is
 * escaped with g_markup_escape_text(). The page speaks the campaign's
 * language (`[campaign] language`: its words, numbers, money and dates),
 * whatever the locale of the process that writes it.
 */
#pragma once

#include <glib.h>
#include "prospectd/activity.h"
#include "prospectd/campaign.h"
#include "prospectd/plan.h"
#include "prospectd/progress.h"
#include "prospectd/schedule.h"
#include "prospectd/store.h"

/* What a report is drawn from, all kept by the caller: the campaign, its
 * plan, its baseline's days (PdSchedule.days, every rep), the logged days
 * up to the progress's as-of day (PdDailyContacts, any order; reps not in
 * the campaign are ignored) and the progress computed from them. */
typedef struct {
  const PdCampaign *campaign;
  const PdPlan *plan;
  const PdSchedule *baseline;
  const GArray *daily;
  const PdProgress *progress;
  const GPtrArray *prospects; /* PdProspect* of the campaign (store-prospects.h), NULL: none */
} PdReportInput;

/* The page, UTF-8, newly allocated. Never fails. */
char *pd_report_render (const PdReportInput *input);

/* The page of `campaign` as of `as_of`, from the days logged in `store`
 * (NULL: no database yet, nothing logged), with the figures `status`
 * gives for that day, and its prospects as they stand now. Writes a new string to ret_html; FALSE with error
 * set when the plan or the baseline cannot be computed (PD_PLAN_ERROR,
 * PD_SCHEDULE_ERROR) or the store cannot be read (ret_html untouched). */
gboolean pd_report_build (PdStore *store,
                          const PdCampaign *campaign,
                          const GDate *as_of,
                          char **ret_html,
                          GError **error);

/* The rep name under which a campaign's report token is kept among its
 * feed tokens (pd_store_feed_token()): not a name a rep can have (rep
 * names hold no '/'), and, in a team's database, a row only a manager's
 * login sees or writes. */
#define PD_REPORT_TOKEN_REP "/report"
