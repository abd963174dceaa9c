/* SPDX-License-Identifier: MIT
 *
 * workcal: the working calendar of a rep.
 *
 * Pure (no I/O, no clock): which local dates a rep can call on (workdays,
 * holidays including the French public ones, days off), the call windows of
 * a given day on the local wall clock, and the one rule that turns a local
 * wall time into an instant. GLib's GTimeZone is the only time-zone
 * authority; the rule follows RFC 5545 so that calendar clients read the
 * feeds' local times as we do:
 *
 *  - a wall time that does not exist (spring-forward gap) is read with the
 *    UTC offset in force before the gap (02:30 on 2027-03-28 in
 *    Europe/Paris is 01:30Z, shown as 03:30 CEST);
 *  - a wall time that exists twice (fall-back) is the first occurrence
 *    (02:30 on 2027-10-31 in Europe/Paris is 00:30Z, CEST).
 *
 * The scheduler never places a block in a gap: pd_workcal_day_windows()
 * removes the missing wall-clock minutes from the day's windows.
 */
#pragma once

#include <glib.h>
#include "prospectd/campaign.h"

/* Easter Sunday of `year` (Gregorian, 1583..9999). */
void pd_workcal_easter (guint year, GDate *ret_date);

/* Whether `date` is a French public holiday (New Year, Easter Monday,
 * 1 May, 8 May, Ascension, Whit Monday, 14 July, 15 August, 1 November,
 * 11 November, Christmas). */
gboolean pd_workcal_is_holiday_fr (const GDate *date);

/* Whether `rep` can call on `date`: inside [start, end], not before the
 * rep's start, a workday, not a campaign holiday, not one of the rep's
 * days off. */
gboolean pd_workcal_is_available (const PdCampaign *campaign,
                                  const PdRep *rep,
                                  const GDate *date);

/* What decides the rep's available days besides the campaign (its
 * start, workdays and days off) as text, `from` and `to` first: two reps
 * with the same key have the same available days in [from, to], so that
 * a team's reps can share them. Free with g_free(). */
char *pd_workcal_days_key (const PdRep *rep, const GDate *from, const GDate *to);

/* The rep's available days in [from, to] (inclusive, clamped to the
 * campaign), as a new GArray of GDate in increasing order. */
GArray *pd_workcal_available_days (const PdCampaign *campaign,
                                   const PdRep *rep,
                                   const GDate *from,
                                   const GDate *to);

/* The rep's call windows on `date` (a new GArray of PdWindow, wall-clock
 * minutes), with the minutes that do not exist that day in the campaign's
 * zone removed (a window crossing the gap is split in two, one inside it
 * disappears). A repeated (fall-back) hour is kept once, as wall time. */
GArray *pd_workcal_day_windows (const PdCampaign *campaign,
                                const PdRep *rep,
                                const GDate *date);

/* The instant of local wall time `minute` (0..1440) on `date` in `tz`,
 * by the rule above, as a new GDateTime in `tz`. minute == 1440 is
 * midnight of the next day. */
GDateTime *pd_workcal_local_instant (GTimeZone *tz, const GDate *date, guint minute);

/* The days from `from` to `to` near a change of UTC offset (within 36 h),
 * each with the run of wall minutes missing on it, sorted: asked of the
 * zone once per campaign, so that pd_workcal_day_windows() need not ask
 * it minute by minute for every rep's every day. Returns a new GArray of
 * PdWallGap: one element per run, or one with start == end for a day
 * with none. */
GArray *pd_workcal_wall_gaps (GTimeZone *tz, const GDate *from, const GDate *to);

/* Prepares `campaign` for the functions above: lists its wall gaps
 * (pd_workcal_wall_gaps() from its start to its end in its zone) into
 * campaign->wall_gaps, once (a campaign that has them keeps them). A
 * campaign without them gives the same answers, asking the zone. Call it
 * once a campaign is read (config does not: it reads files only). */
void pd_workcal_prepare (PdCampaign *campaign);
