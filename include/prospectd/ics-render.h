/* SPDX-License-Identifier: MIT
 *
 * ics-render: a rep's call blocks as an iCalendar feed (RFC 5545): the
 * feed's text, the wording of its events, their UIDs. One of the four
 * files that include libical (ics.h); this header does not.
 *
 * One VCALENDAR per (campaign, rep) with the campaign's VTIMEZONE
 * (ics-zone.h), one VEVENT per block (no RRULE) at the block's local wall
 * time, and a DISPLAY VALARM at the campaign's reminder lead time. All
 * escaping and folding is libical's.
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
 * error and its string buffers per thread, the zones are made under a
 * lock and only read afterwards (ics-zone.h), and the campaign's and
 * schedule's dates are read from copies (GDate fills in fields when read).
 * libical's parser changes a process-wide error state while it parses:
 * it is called under a lock (ics.c). The one other shared state libical
 * writes while rendering is a pair of debug counters in pvl.c (element
 * and list numbers, never read); helgrind reports them, and nothing else
 * of libical. Call pd_ics_zone_shutdown() once at exit, when no thread renders.
 */
#pragma once

#include <glib.h>
#include "prospectd/calllist.h"
#include "prospectd/config.h"
#include "prospectd/ics.h"
#include "prospectd/ics-zone.h"
#include "prospectd/schedule.h"

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
 * DTSTAMP of new and changed events. The VTIMEZONE is built in this
 * process (pd_ics_renderer_new() takes another source).
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
 * `vtimezone_source` (nullable: built in this process) is where the
 * campaign's VTIMEZONE text comes from when the process has not built
 * that zone yet (ics-zone.h).
 *
 * Returns a new renderer (pd_ics_renderer_free()), or NULL with `error`
 * set (PD_ICS_ERROR_ZONE) when the campaign's zone is unknown to libical. */
typedef struct _PdIcsRenderer PdIcsRenderer;

PdIcsRenderer *pd_ics_renderer_new (const PdCampaign *campaign,
                                    const PdSchedule *schedule,
                                    PdIcsVtimezoneSource vtimezone_source,
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

/* Gives the renderer's events their call lists: the DESCRIPTION of a
 * block whose PdCallBlock has a list ends, after a blank line, with a
 * heading ("Whom to call:", or when the block lists fewer calls than its
 * contacts "12 calls: 8 listed, 4 without a prospect — import more") and
 * one line per call in call order: company — contact — tel:+33123456789
 * — why (follow-up, retry, new prospect), in the campaign's language.
 * `calls` (made for the renderer's schedule: pd_feed_calls_n_blocks() is
 * its number of blocks; NULL: none) is not copied and must outlive the renderer's use. An event
 * keeps its UID; its SEQUENCE rises when its text changes, as always. */
void pd_ics_renderer_set_calls (PdIcsRenderer *renderer, const PdFeedCalls *calls);

/* Frees a renderer; NULL is accepted. */
void pd_ics_renderer_free (PdIcsRenderer *renderer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdIcsRenderer, pd_ics_renderer_free)
