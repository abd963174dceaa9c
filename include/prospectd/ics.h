/* SPDX-License-Identifier: MIT
 *
 * ics: iCalendar feeds, through libical, in four modules:
 *
 *   ics-zone    the VTIMEZONE a campaign's feeds carry, and its zone;
 *   ics-read    reading a feed back, and the previous feed a
 *               regeneration reads;
 *   ics-render  writing a rep's feed: its events, their wording, UIDs;
 *   ics         (this one) what they share: the error domain, libical's
 *               error as text, libical's parser under a lock, the exit.
 *
 * These four (src/ics*.c, through src/ics-libical.h) are the only files
 * of the programs that include libical; their public headers do not (the
 * unit tests and the bench use libical too, as an independent reader and
 * as a floor).
 */
#pragma once

#include <glib.h>

#define PD_ICS_ERROR (pd_ics_error_quark ())
GQuark pd_ics_error_quark (void);

typedef enum {
  PD_ICS_ERROR_ZONE,    /* the campaign's time zone is unknown to libical */
  PD_ICS_ERROR_INVALID, /* arguments out of range (rep index, dates) */
  PD_ICS_ERROR_PARSE,   /* text that is not a readable iCalendar feed */
} PdIcsError;
