/* SPDX-License-Identifier: MIT
 *
 * ics: what the iCalendar modules share — the error domain, libical's
 * error as text, its parser under a lock, and the exit that frees what
 * libical keeps. Each workaround of a libical trap in the ics modules
 * says which it is ("docs/pitfalls.md n").
 */
#define G_LOG_DOMAIN "prospectd-ics"

#include "ics-libical.h"

G_DEFINE_QUARK (pd-ics-error-quark, pd_ics_error)

const char *
pd_ics_ical_error_text (void)
{
  if (icalerrno == ICAL_NO_ERROR)
    return "";
  return icalerror_strerror (icalerrno);
}

/* icalparser_parse_string(), one thread at a time: it saves, changes and
 * restores libical's process-wide error state for malformed data
 * (icalparser.c), which two threads parsing at once could leave changed.
 * Parsing is the rare path of rendering (changed events only). */
static GMutex parser_lock;

icalcomponent *
pd_ics_parse_string (const char *text)
{
  icalcomponent *component;

  g_mutex_lock (&parser_lock);
  icalerrno = ICAL_NO_ERROR;
  component = icalparser_parse_string (text);
  g_mutex_unlock (&parser_lock);
  return component;
}
