/* SPDX-License-Identifier: MIT
 *
 * ics-zone: the VTIMEZONE that a campaign's feeds carry, and the zone
 * their events name. Its TZID is the plain IANA name, it covers only the
 * campaign's years, Outlook's and python-icalendar's readers can build it
 * (see ics-zone.c). One of the four files that include libical (ics.h);
 * this header does not.
 *
 * Building the text loads libical's built-in zone, whose rules libical
 * expands with ICU: about 3 MiB of ICU's code and data stay in the
 * process for its lifetime. A long-running process may have the text
 * built in a short-lived one instead (prospectd runs `prospectd
 * --vtimezone`): the caller passes that source where a zone is needed.
 */
#pragma once

#include <glib.h>
#include "prospectd/config.h"

/* The VTIMEZONE the feeds of a campaign in zone `name` from first_year to
 * last_year carry, as text. Returns a new string, or NULL with `error` set
 * (PD_ICS_ERROR_ZONE) for a zone libical does not know. */
char *pd_ics_vtimezone_text (const char *name, int first_year, int last_year, GError **error);

/* Where that text comes from, passed by the caller: returns a new string,
 * or NULL to fall back to pd_ics_vtimezone_text() in this process. A NULL
 * source is pd_ics_vtimezone_text() itself. */
typedef char *(*PdIcsVtimezoneSource) (const char *name, int first_year, int last_year);

/* A campaign's zone for its feeds: its VTIMEZONE text, and libical's zone
 * built from that text (naming it in DTSTART/DTEND never expands rules). */
typedef struct _PdIcsZone PdIcsZone;

/* The zone of `campaign` (its time zone and years), built once per zone
 * and span of years in the process (its text from `source`) and kept
 * until pd_ics_zone_shutdown(), so that renderers in any thread share it.
 * Returns it (not to free), or NULL with `error` set (PD_ICS_ERROR_ZONE)
 * when the zone is unknown to libical or its text cannot be read. */
const PdIcsZone *pd_ics_zone_get (const PdCampaign *campaign,
                                  PdIcsVtimezoneSource source,
                                  GError **error);

/* The zone's VTIMEZONE text (owned by the zone). */
const char *pd_ics_zone_vtimezone (const PdIcsZone *zone);

/* Frees the zones built for feeds and libical's built-in ones. Call once,
 * at program exit, after the last pd_ics_* call. */
void pd_ics_zone_shutdown (void);
