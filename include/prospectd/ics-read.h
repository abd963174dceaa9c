/* SPDX-License-Identifier: MIT
 *
 * ics-read: a feed read back, one event at a time (the feed is never held
 * as one tree), and the previous feed as a regeneration reads it (which
 * events are there, as text, and what their SEQUENCE and DTSTAMP were).
 * One of the four files that include libical (ics.h); this header does
 * not.
 */
#pragma once

#include <glib.h>

/* One VEVENT read back from a feed. Times are what the feed says on the
 * wall clock of `tzid`; no conversion to instants is made here (GLib is
 * the time-zone authority: see workcal.h). */
typedef struct {
  char *uid;
  char *tzid;           /* DTSTART's TZID parameter; NULL when UTC or floating */
  gboolean utc;         /* DTSTART was written in UTC ("Z") */
  GDate start_date;     /* local date of DTSTART */
  guint start_minute;   /* local minutes after midnight (seconds dropped) */
  GDate end_date;       /* local date of DTEND (invalid when absent) */
  guint end_minute;
  gint64 dtstamp;       /* unix seconds (DTSTAMP is UTC); 0 when absent */
  gint64 sequence;      /* 0 when absent */
  char *summary;        /* unescaped, NULL when absent */
  char *description;    /* unescaped, NULL when absent */
  gboolean has_alarm;   /* a VALARM with ACTION:DISPLAY */
  gint alarm_minutes;   /* its lead time: TRIGGER:-PT10M gives 10 */
} PdIcsEvent;

/* Frees the fields of `event` (not the struct): the clear function of the
 * arrays returned by pd_ics_parse_events(). */
void pd_ics_event_clear (PdIcsEvent *event);

/* Reads the VEVENTs of a feed, one at a time (the feed is never held as one
 * tree). Returns a new GArray of PdIcsEvent, in feed order, that clears its
 * elements when freed; or NULL with `error` set (PD_ICS_ERROR_PARSE) when
 * the text is not a VCALENDAR or an event has no UID, no DTSTART or a
 * property libical cannot parse. */
GArray *pd_ics_parse_events (const char *text, GError **error);

/* ------------------------------------------------ the previous feed
 *
 * What a regeneration (ics-render.h) keeps of the previous feed. Parsing
 * every previous event with libical costs more than writing the feed, so
 * the previous feed is only cut into events and indexed by UID; an event
 * is then compared as text with the one about to be written, and only
 * one that differs is parsed. A feed whose UIDs cannot be read as plain
 * text (folded parameters, escapes, duplicates) is parsed whole. */

/* The size of an event's fingerprint: a SHA-256 of its DTSTART and DTEND
 * (TZID and wall time), SUMMARY and DESCRIPTION as libical writes them. */
#define PD_ICS_FINGERPRINT_SIZE 32

/* What a regeneration keeps of a previous event. */
typedef struct {
  gint64 sequence;
  gint64 dtstamp; /* unix seconds */
  guint8 fingerprint[PD_ICS_FINGERPRINT_SIZE];
} PdIcsPreviousEvent;

typedef struct _PdIcsPrevious PdIcsPrevious;

/* The previous feed `text` (nullable; not copied: it must outlive the
 * result) read for a regeneration. Anything unreadable in it counts as
 * absent. Returns a new PdIcsPrevious (pd_ics_previous_free()). */
PdIcsPrevious *pd_ics_previous_new (const char *text);
void pd_ics_previous_free (PdIcsPrevious *previous);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdIcsPrevious, pd_ics_previous_free)

/* The text of the previous event `uid` (from its BEGIN:VEVENT line to the
 * end of its END:VEVENT line) and its length, or NULL when there is none
 * or the feed was parsed whole. */
const char *pd_ics_previous_text (const PdIcsPrevious *previous, const char *uid, gsize *ret_length);

/* Whether the previous event's `text` is exactly `event` (the event about
 * to be written, without its DTSTAMP and SEQUENCE lines) with a DTSTAMP
 * and a SEQUENCE line, as libical writes them, after its first
 * `head_length` bytes: then it is unchanged and may be copied as it is. */
gboolean pd_ics_previous_unchanged (const char *text, gsize length,
                                    const char *event, gsize event_length, gsize head_length);

/* What the previous event `uid` was: read from the feed parsed whole, or
 * by parsing its `text` (from pd_ics_previous_text(), nullable). Returns
 * FALSE when there is no such event or it cannot be read. */
gboolean pd_ics_previous_event (const PdIcsPrevious *previous, const char *uid,
                                const char *text, gsize length, PdIcsPreviousEvent *ret_event);
