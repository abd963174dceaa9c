/* SPDX-License-Identifier: MIT
 *
 * ics: a rep's call blocks as an iCalendar feed (RFC 5545), and back.
 *
 * The only module that speaks libical. It owns the feed's text: one
 * VCALENDAR per (campaign, rep) with a clean VTIMEZONE whose TZID is the
 * plain IANA name, one VEVENT per block (no RRULE) at the block's local
 * wall time, and a DISPLAY VALARM at the campaign's reminder lead time.
 * All escaping and folding is libical's.
 *
 * Event UIDs are stable across regenerations and name the block:
 *
 *     <YYYYMMDD>-<block index>-<rep>@<campaign id>.prospectd
 *
 * e.g. 20270104-1-alice@example.prospectd, where <rep> and <campaign id>
 * are percent-encoded (every byte outside A-Z a-z 0-9 - . _ ~).
 *
 * Regenerating a feed is byte-identical when nothing changed: the wall
 * clock is never read. The caller passes the previous feed and a revision
 * time; an event whose DTSTART, DTEND, SUMMARY and DESCRIPTION are those
 * of the previous feed keeps its SEQUENCE and DTSTAMP, a changed one gets
 * SEQUENCE + 1 and DTSTAMP = revision time, a new one SEQUENCE 0 and
 * DTSTAMP = revision time.
 *
 * Pure of file I/O. Feeds may be rendered in several threads at once, one
 * PdIcsRenderer per thread: libical 3.0.16 (built with pthread) keeps its
 * error and its string buffers per thread, the zones this module builds
 * are made under a lock and only read afterwards, and the campaign's and
 * schedule's dates are read from copies (GDate fills in fields when read).
 * libical's parser changes a process-wide error state while it parses:
 * this module parses under a lock. The one other shared state libical
 * writes while rendering is a pair of debug counters in pvl.c (element
 * and list numbers, never read); helgrind reports them, and nothing else
 * of libical. Call pd_ics_shutdown() once at exit, when no thread renders.
 */
#pragma once

#include <glib.h>
#include "prospectd/config.h"
#include "prospectd/schedule.h"

#define PD_ICS_ERROR (pd_ics_error_quark ())
GQuark pd_ics_error_quark (void);

typedef enum {
  PD_ICS_ERROR_ZONE,    /* the campaign's time zone is unknown to libical */
  PD_ICS_ERROR_INVALID, /* arguments out of range (rep index, dates) */
  PD_ICS_ERROR_PARSE,   /* text that is not a readable iCalendar feed */
} PdIcsError;

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

/* The UID of the block (see above). Returns a new string. */
char *pd_ics_block_uid (const PdCampaign *campaign,
                        const PdBlock *block);

/* Renders the feed of rep `rep_index` (into campaign->reps): every block
 * of `schedule` for that rep, in schedule order.
 *
 * `previous_feed` (nullable) is the text this function returned last time
 * for the same campaign and rep; SEQUENCE and DTSTAMP are carried over as
 * described above. An unreadable previous feed, or events in it that
 * cannot be read, count as absent (their blocks are "new"): the feed is
 * regenerated rather than stuck. `revision_time` (unix seconds) is the
 * DTSTAMP of new and changed events.
 *
 * Returns the NUL-terminated text (CRLF line ends), to free with g_free(),
 * or NULL with `error` set in PD_ICS_ERROR: ZONE when the campaign's zone
 * is not known to libical, INVALID for a rep index out of range. */
char *pd_ics_render (const PdCampaign *campaign,
                     const PdSchedule *schedule,
                     guint rep_index,
                     const char *previous_feed,
                     gint64 revision_time,
                     GError **error);

/* Where pd_ics_render_to() sends the feed's text, in order, piece by
 * piece (`data` is not NUL-terminated and lives only for the call).
 * Returns FALSE with `error` set to stop the rendering. */
typedef gboolean (*PdIcsWriteFunc) (const char *data,
                                    gsize length,
                                    gpointer user_data,
                                    GError **error);

/* pd_ics_render(), streamed: the same bytes go to `write` as they are
 * made, so that memory stays one event's worth whatever the feed's size
 * (plus `previous_feed`, which the caller holds). Returns TRUE, or FALSE
 * with `error` set by this function (as pd_ics_render()) or by `write`;
 * what was written before a failure is then incomplete. */
gboolean pd_ics_render_to (const PdCampaign *campaign,
                           const PdSchedule *schedule,
                           guint rep_index,
                           const char *previous_feed,
                           gint64 revision_time,
                           PdIcsWriteFunc write,
                           gpointer user_data,
                           GError **error);

/* A renderer of one campaign's feeds: what the feeds of its reps share is
 * made once — the VTIMEZONE, and libical's text of every DTSTART, DTEND,
 * SUMMARY, VALARM, DTSTAMP and SEQUENCE value that repeats from event to
 * event and from rep to rep — and the schedule is read once to find each
 * rep's blocks. pd_ics_render_to() is a renderer used for one feed; a
 * renderer used for many gives the same bytes, faster.
 *
 * `campaign` and `schedule` are not copied: they must outlive the renderer
 * and not change while it lives. Its caches are bounded (a few thousand
 * lines each), whatever the number of events. One thread at a time may
 * use a renderer; renderers of the same campaign in different threads may
 * render at once.
 *
 * Returns a new renderer (pd_ics_renderer_free()), or NULL with `error`
 * set (PD_ICS_ERROR_ZONE) when the campaign's zone is unknown to libical. */
typedef struct _PdIcsRenderer PdIcsRenderer;

PdIcsRenderer *pd_ics_renderer_new (const PdCampaign *campaign,
                                    const PdSchedule *schedule,
                                    GError **error);

/* pd_ics_render_to() for rep `rep_index` of the renderer's campaign and
 * schedule: the same bytes, the same errors (INVALID for a rep out of
 * range), to `write`. */
gboolean pd_ics_renderer_render_to (PdIcsRenderer *renderer,
                                    guint rep_index,
                                    const char *previous_feed,
                                    gint64 revision_time,
                                    PdIcsWriteFunc write,
                                    gpointer user_data,
                                    GError **error);

/* Frees a renderer; NULL is accepted. */
void pd_ics_renderer_free (PdIcsRenderer *renderer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdIcsRenderer, pd_ics_renderer_free)

/* Reads the VEVENTs of a feed, one at a time (the feed is never held as one
 * tree). Returns a new GArray of PdIcsEvent, in feed order, that clears its
 * elements when freed; or NULL with `error` set (PD_ICS_ERROR_PARSE) when
 * the text is not a VCALENDAR or an event has no UID, no DTSTART or a
 * property libical cannot parse. */
GArray *pd_ics_parse_events (const char *text, GError **error);

/* The VTIMEZONE the feeds of a campaign in zone `name` from first_year to
 * last_year carry, as text (see PITFALLS 1 in ics.c). Returns a new
 * string, or NULL with `error` set (PD_ICS_ERROR_ZONE) for a zone libical
 * does not know. Building it loads libical's built-in zone, whose rules
 * libical expands with ICU: about 3 MiB of ICU's code and data stay in the
 * process for its lifetime. */
char *pd_ics_vtimezone_text (const char *name, int first_year, int last_year, GError **error);

/* Where the renderer takes that text from: a long-running process may
 * compute it in a short-lived one (prospectd does). Returns a new string,
 * or NULL to fall back to pd_ics_vtimezone_text() in this process. */
typedef char *(*PdIcsVtimezoneSource) (const char *name, int first_year, int last_year);
void pd_ics_set_vtimezone_source (PdIcsVtimezoneSource source);

/* Frees libical's built-in time zones. Call once, at program exit, after
 * the last pd_ics_* call. */
void pd_ics_shutdown (void);
