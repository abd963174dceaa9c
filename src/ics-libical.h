/* SPDX-License-Identifier: MIT
 *
 * ics-libical: what the iCalendar modules share of libical. Included by
 * src/ics.c, src/ics-zone.c, src/ics-read.c and src/ics-render.c only:
 * the only files of prospectd that include libical.
 */
#pragma once

#include <glib.h>
#include <libical/ical.h>

#include "prospectd/ics.h"
#include "prospectd/ics-read.h"
#include "prospectd/ics-zone.h"

/* libical's types, for g_autoptr. A child still attached to its parent is
 * not freed by these (docs/pitfalls.md 4): hand children over with
 * g_steal_pointer() when adding them. */
static inline void
pd_ics_timezone_free (icaltimezone *zone)
{
  icaltimezone_free (zone, 1);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (icalcomponent, icalcomponent_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (icalproperty, icalproperty_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (icaltimezone, pd_ics_timezone_free)

/* libical's last error as text, or "" when it set none. */
const char *pd_ics_ical_error_text (void);

/* icalparser_parse_string(), one thread at a time (see ics.c). */
icalcomponent *pd_ics_parse_string (const char *text);

/* What decides whether an event "changed" (ics-read.c). */
void pd_ics_event_fingerprint (icalcomponent *event, guint8 digest[PD_ICS_FINGERPRINT_SIZE]);

/* The libical zone of a zone built for feeds (ics-zone.c). */
icaltimezone *pd_ics_zone_timezone (const PdIcsZone *zone);
