/* SPDX-License-Identifier: MIT
 *
 * feed: where the iCalendar feeds live and how they are written.
 *
 * One file per (campaign, rep): <feeds dir>/<campaign id>/<rep>.ics, the
 * feeds dir defaulting to $XDG_DATA_HOME/prospectd/feeds. A feed is
 * replaced atomically (temporary file in the same directory, fsync,
 * rename, fsync of the directory) and only when its content changed, so
 * readers (calendar clients, the feed server) see either the old or the
 * new file, whole, and an unchanged feed keeps its mtime (HTTP caching).
 */
#pragma once

#include <glib.h>

#define PD_FEED_ERROR (pd_feed_error_quark ())
GQuark pd_feed_error_quark (void);

typedef enum {
  PD_FEED_ERROR_IO,          /* a system call failed; the message names path and cause */
  PD_FEED_ERROR_INVALID,     /* a name that is not a plain file name */
  PD_FEED_ERROR_NOT_REGULAR, /* the path holds something else than a regular file */
  PD_FEED_ERROR_TOO_LARGE,   /* a previous feed above PD_FEED_MAX_PREVIOUS_BYTES */
} PdFeedError;

/* The largest previous feed read (for SEQUENCE and DTSTAMP): far above a
 * real feed (a year of 40 blocks a day is about 4 MiB), far below what
 * would hurt to hold in memory. */
#define PD_FEED_MAX_PREVIOUS_BYTES (256u * 1024 * 1024)

/* What a st_mode says a path is, in words: "a FIFO", "a character
 * device", "a symbolic link"... (static, translated). */
const char *pd_feed_file_kind (guint mode);

/* Reads the previous feed at `path`: a new NUL-terminated string in
 * *ret_contents and its length in *ret_length (nullable), or NULL and 0
 * when there is no file. Never follows a symbolic link, never blocks on a
 * FIFO, never reads more than PD_FEED_MAX_PREVIOUS_BYTES. Errors:
 * PD_FEED_ERROR_NOT_REGULAR, PD_FEED_ERROR_TOO_LARGE, PD_FEED_ERROR_IO;
 * the outputs are written only on success. */
gboolean pd_feed_read (const char *path, char **ret_contents, gsize *ret_length, GError **error);

/* Removes from `directory` the temporary files that a write killed before
 * its rename left behind: hidden regular files named .<base_name>.XXXXXX
 * (with base_name NULL, those of every feed: .<rep>.ics.XXXXXX) not
 * modified for a minute. Returns how many were removed; failures are
 * ignored (a file that stays is removed next time). */
guint pd_feed_remove_stale_temps (const char *directory, const char *base_name);

/* $XDG_DATA_HOME/prospectd/feeds (GLib's g_get_user_data_dir()).
 * Returns a new string. */
char *pd_feed_default_dir (void);

/* <feeds_dir>/<campaign_id>/<rep>.ics, the rep's name encoded by
 * pd_rep_file_name() (h%C3%A9l%C3%A8ne.ics for hélène), a new string; or NULL when
 * campaign_id or rep is not a plain file name (empty, ".", "..", or
 * containing '/'), so that no name can leave feeds_dir. */
char *pd_feed_path (const char *feeds_dir, const char *campaign_id, const char *rep);

/* Replaces the file at `path` with `length` bytes of `contents`, unless it
 * already holds exactly those bytes: then the file is not touched (same
 * inode, same mtime) and *ret_changed is FALSE. This is the streaming
 * writer below given the whole text at once, the file read first as
 * `current` (pd_feed_read()); a file larger than
 * PD_FEED_MAX_PREVIOUS_BYTES is replaced without being compared.
 *
 * Missing parent directories are created with mode 0700; an existing one
 * is used as it is (a read-only one is an error). A new file has mode
 * 0644, a replaced one keeps its permission bits. Anything but a regular
 * file at `path` (a symbolic link, a FIFO, a device, a directory) is
 * refused with PD_FEED_ERROR_NOT_REGULAR and left alone. Stale temporary
 * files of the same feed are removed (pd_feed_remove_stale_temps()). On
 * failure returns FALSE with `error` set (PD_FEED_ERROR_IO) naming
 * the path and strerror(errno); the old file is then untouched and no
 * temporary file is left behind, except when the final fsync of the
 * directory fails (the new file is in place but may not survive a crash).
 * ret_changed (nullable) is written only on success. */
gboolean pd_feed_write (const char *path,
                        const char *contents,
                        gsize length,
                        gboolean *ret_changed,
                        GError **error);

/* The same replacement, streamed: the new text arrives in pieces and is
 * compared, as it arrives, with `current` — the bytes the file at `path`
 * holds now (NULL when it does not exist), which the caller keeps alive
 * until pd_feed_writer_finish() or pd_feed_writer_prepare() returned (or
 * the writer is freed). Nothing is written while the text matches;
 * at the first difference a temporary file is created (as above) and
 * receives the common prefix, then the rest. pd_feed_writer_finish()
 * leaves the file untouched when the whole text equalled `current`
 * (*ret_changed FALSE), else renames the temporary file over it. Errors
 * are those of pd_feed_write(); after one, only pd_feed_writer_free() may
 * be called, which also removes a temporary file left behind. */
typedef struct _PdFeedWriter PdFeedWriter;

PdFeedWriter *pd_feed_writer_new (const char *path,
                                  const char *current,
                                  gsize current_length);
gboolean pd_feed_writer_write (PdFeedWriter *writer,
                               const char *data,
                               gsize length,
                               GError **error);
gboolean pd_feed_writer_finish (PdFeedWriter *writer,
                                gboolean *ret_changed,
                                GError **error);

/* pd_feed_writer_finish() in two steps, so that feeds can be written in
 * parallel and still replaced one after the other, in order:
 * pd_feed_writer_prepare() does all but the rename — the rest of the text
 * written, the temporary file's mode set, fsync'ed and closed — and says
 * whether the file is to change (*ret_changed, written only on success);
 * pd_feed_writer_commit() then renames the temporary file over the feed
 * and fsyncs the directory, or does nothing when the file is unchanged.
 * Errors are those of pd_feed_writer_finish(), and leave no temporary
 * file behind (but for a failed fsync of the directory, as there).
 * Freeing a prepared writer that was not committed removes its temporary
 * file: the feed is then untouched. */
gboolean pd_feed_writer_prepare (PdFeedWriter *writer,
                                 gboolean *ret_changed,
                                 GError **error);
gboolean pd_feed_writer_commit (PdFeedWriter *writer,
                                GError **error);

/* pd_feed_writer_commit() but for the fsync of the directory: renames the
 * temporary file over the feed and writes to *ret_directory the directory
 * to fsync (owned by the writer), or NULL when nothing was renamed. The
 * caller calls pd_feed_sync_directory() on it before counting the feed as
 * written, so that the renames of several feeds of one directory cost one
 * fsync. A failed rename removes the temporary file. */
gboolean pd_feed_writer_rename (PdFeedWriter *writer,
                                const char **ret_directory,
                                GError **error);

/* fsync() of a directory, which makes the renames done in it durable (a
 * file system that cannot sync directories is not an error). On failure
 * returns FALSE with `error` set (PD_FEED_ERROR_IO) naming the directory. */
gboolean pd_feed_sync_directory (const char *directory,
                                 GError **error);

/* Frees the writer; removes its temporary file when it was not renamed.
 * NULL is accepted. */
void pd_feed_writer_free (PdFeedWriter *writer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdFeedWriter, pd_feed_writer_free)
