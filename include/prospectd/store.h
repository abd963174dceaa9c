/* SPDX-License-Identifier: MIT
 *
 * store: the persistent state of prospectd (docs/storage.md).
 *
 * Owns everything that outlives a process: the campaigns seen, the activity
 * reps log, the schedule revisions (the baseline and each catch-up) and the
 * notifications already sent. This header is backend-neutral: no SQL and no
 * SQLite type appears here, so a second backend (PostgreSQL, for teams) can
 * implement the same functions behind the opaque PdStore.
 *
 * Two backends sit behind it, chosen by the database's name: a path is an
 * SQLite file (the embedded default), a libpq URI (postgresql://...,
 * postgres://...) a PostgreSQL database shared by a team (its schema
 * `prospectd`; docs/storage.md). Both give the same results for the same
 * history.
 *
 * The embedded backend is one SQLite file in WAL mode. Every write is one
 * transaction that takes the write lock up front and waits up to five
 * seconds for it, so concurrent processes (the daemon and several
 * `prospectctl log`) do not see "database is locked" under normal
 * contention. A write that returned TRUE survives the process being killed.
 *
 * A PdStore is one connection: use it from one thread at a time, and never
 * across fork() (open a new one in the child).
 *
 * Dates are local calendar dates (GDate, years 1 to 9999); "created" and
 * "sent_at" times are Unix seconds. Counts and money are whole numbers >= 0.
 */
#pragma once

#include <glib.h>
#include "prospectd/activity.h"

#define PD_STORE_ERROR (pd_store_error_quark ())
GQuark pd_store_error_quark (void);

typedef enum {
  PD_STORE_ERROR_IO,        /* the file or its directory cannot be created, read or written */
  PD_STORE_ERROR_CORRUPT,   /* not a prospectd database, or damaged */
  PD_STORE_ERROR_VERSION,   /* written by a newer prospectd (schema too new) */
  PD_STORE_ERROR_BUSY,      /* still locked by another process after the timeout */
  PD_STORE_ERROR_NOT_FOUND, /* no such campaign or activity */
  PD_STORE_ERROR_INVALID,   /* an argument is rejected (empty name, bad date, negative count, duplicate) */
  PD_STORE_ERROR_FAILED,    /* any other failure of the backend */
  PD_STORE_ERROR_CONFLICT,  /* another process saved a revision first (PdRevision.parent) */
} PdStoreError;

/* The schema version this build creates and upgrades to. */
#define PD_STORE_SCHEMA_VERSION 18

typedef struct _PdStore PdStore;

/* The default database: $XDG_DATA_HOME/prospectd/prospectd.db. Newly
 * allocated. */
char *pd_store_default_path (void);

/* Whether the database name `name` (--db, [daemon] database) names a
 * PostgreSQL database: a libpq connection URI, postgresql://... or
 * postgres://... (host or socket directory, port, sslmode, service, the
 * password from ~/.pgpass, PG* variables: everything libpq reads). Any
 * other name is an SQLite file's path. */
gboolean pd_store_name_is_server (const char *name);

/* The form of the database name `name` to show or log: a path as it is;
 * a URI with any password (user:PASSWORD@, password=PASSWORD) replaced by
 * "***". Every message that names a database uses it. Newly allocated;
 * NULL for NULL. */
char *pd_store_display_name (const char *name);

/* Whether there is a database to read at `name` without creating one: a
 * file at the path, or any server URI (a server that is not there, or a
 * database that does not exist, is then an error of pd_store_open()). */
gboolean pd_store_exists (const char *name);

/* Opens (creating when missing) the database at `path`, or at
 * pd_store_default_path() when `path` is NULL. A missing parent directory is
 * created with mode 0700, a new file with mode 0600 (its -wal and -shm files
 * too). The schema is upgraded to PD_STORE_SCHEMA_VERSION when older; that
 * upgrade is one transaction, safe when several processes open the same old
 * file at once. ":memory:" opens a private in-memory database (tests); an
 * empty path is PD_STORE_ERROR_INVALID. An existing path that is not a
 * regular file (after following a symbolic link) is PD_STORE_ERROR_IO,
 * and nothing is created; an existing file that others may read or write
 * is made 0600 (see pd_store_tightened_mode()).
 *
 * The process umask is set to 077 for the duration of the call and then
 * restored: call this before starting threads that create files.
 *
 * A PostgreSQL URI connects to the server instead (nothing is created on
 * this machine). The schema `prospectd` is created, or upgraded when
 * older, in one transaction under an advisory lock: of several processes
 * opening an old database at once, one upgrades it and the others wait,
 * then see the new version. A role that may not create it (not the
 * database's owner) gets PD_STORE_ERROR_IO saying so.
 *
 * Returns a new store, to be closed with pd_store_close(), or NULL with
 * error set: PD_STORE_ERROR_IO (directory or file cannot be created or
 * opened; the server cannot be reached or refuses the login),
 * PD_STORE_ERROR_CORRUPT (not a database), PD_STORE_ERROR_VERSION (newer
 * schema), PD_STORE_ERROR_BUSY. Messages name the path (its display form,
 * pd_store_display_name()). */
PdStore *pd_store_open (const char *path, GError **error);

/* A private copy of the database at `path` (NULL: the default path) for
 * a dry run: the file's content as it is now, copied into memory, and
 * upgraded there to PD_STORE_SCHEMA_VERSION when older; every write
 * afterwards goes to the copy only. The file is only read: it is neither
 * created nor changed, and no -wal or -shm file is left behind. A file
 * that does not exist gives a new, empty database (with an id of its
 * own) and *ret_missing TRUE (ret_missing may be NULL). pd_store_path()
 * answers `path`. On PostgreSQL the copy is one transaction on the server
 * that is rolled back at close: every read sees the database as it was
 * when it was opened, every write stays in that transaction, and nothing
 * is ever committed; a database without the schema `prospectd` is the
 * missing one (created in that transaction only). Errors: as
 * pd_store_open(). */
PdStore *pd_store_open_copy (const char *path, gboolean *ret_missing, GError **error);

/* The database's id: 32 lowercase hexadecimal digits (128 random bits)
 * made when the database was created (or upgraded to schema 7) and
 * stored in it, never changed. It names the database whatever path it is
 * opened at: a moved or copied file keeps it. Returns a new string, or
 * NULL with error set (PD_STORE_ERROR_CORRUPT when it is missing). */
char *pd_store_database_id (PdStore *store, GError **error);

/* When pd_store_open() found the database file readable or writable by
 * others (group or world bits): the mode it had (e.g. 0644), which it
 * changed to the owner's bits only (0600, the -wal and -shm files too).
 * Else 0 (always on PostgreSQL, where the server decides who reads what).
 * The caller says so to the user. */
guint pd_store_tightened_mode (const PdStore *store);

/* The schema version pd_store_open() found: 0 when there was no schema
 * (it created one), PD_STORE_SCHEMA_VERSION when it changed nothing, a
 * lower version when it upgraded it (prospectctl team init says which). */
gint64 pd_store_schema_found (const PdStore *store);

typedef enum {
  PD_STORE_FILE_SAME,     /* the path still names the file opened (or cannot be looked at) */
  PD_STORE_FILE_REPLACED, /* the path names another file (restored, recreated) */
  PD_STORE_FILE_GONE,     /* nothing at the path: the file was removed or renamed */
} PdStoreFile;

/* Whether the database file opened is still the one at the path it was
 * opened at (device and inode compared; a stat() call). Always
 * PD_STORE_FILE_SAME on PostgreSQL: there is no file. */
PdStoreFile pd_store_file_state (const PdStore *store);

/* Closes a store whose file was removed or replaced at its path: without
 * a checkpoint (the file is gone), and with its -wal and -shm removed
 * when they are still at the path (the same files it opened), so that a
 * new file put there is not read with the old one's WAL; those of
 * another database (the path removed with its -wal and -shm, then a new
 * database created there) are left alone. Accepts NULL. */
void pd_store_abandon (PdStore *store);

/* Closes the store and frees it. Accepts NULL. */
void pd_store_close (PdStore *store);

/* The same as pd_store_close(), for symmetry with the other modules. */
void pd_store_free (PdStore *store);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdStore, pd_store_close)

/* The path (or URI) the store was opened at (owned by the store). Shown to
 * people only through pd_store_display_name(). */
const char *pd_store_path (const PdStore *store);

/* Makes the notifications this store claims and looks up those of one
 * desktop (`desktop`: a non-empty id, copied; NULL or "": none, the
 * default). Several daemons share one database, one per desktop (and a
 * server's): a notification is shown once on each desktop, so a key
 * claimed by one desktop is still unclaimed for another. A key recorded
 * without a desktop (by a store without one, or before schema 10) is
 * recorded for every desktop. */
void pd_store_set_desktop (PdStore *store, const char *desktop);

/* ------------------------------------------------------------ campaigns */

/* Records campaign `id` (the campaign file's name without .conf) with its
 * display `name` (NULL: the id); when it exists already, its name is updated and its
 * first_seen time kept. Activity and revisions can only be stored for a
 * known campaign. Errors: PD_STORE_ERROR_INVALID for an empty id, or a
 * backend error. */
gboolean pd_store_ensure_campaign (PdStore *store,
                                   const char *id,
                                   const char *name,
                                   GError **error);

/* A campaign the database has seen. */
typedef struct {
  char *id;             /* the campaign file's name without .conf */
  char *name;           /* its display name when last recorded */
  gint64 first_seen;    /* Unix seconds: when it was first recorded */
} PdStoreCampaign;

void pd_store_campaign_free (PdStoreCampaign *campaign);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdStoreCampaign, pd_store_campaign_free)

/* Every campaign the database knows, by id (byte order). Returns a new
 * GPtrArray of PdStoreCampaign* (owned, freed with the array; empty when
 * there is none), or NULL with error set (a backend error). */
GPtrArray *pd_store_list_campaigns (PdStore *store, GError **error);

/* The day each of `reps` (n_reps names) first appeared in the known
 * campaign `campaign`, written to ret_dates (n_reps GDates). A rep not
 * recorded yet gets `founding` (the campaign's start) when the campaign
 * has no rep recorded yet (its first team), else `today`; with `record`
 * it is recorded so, in one transaction (nothing is written when every
 * rep is known), without it nothing is written. Errors:
 * PD_STORE_ERROR_NOT_FOUND (unknown campaign, when recording) or a
 * backend error. */
gboolean pd_store_rep_starts (PdStore *store,
                              const char *campaign,
                              const char *const *reps,
                              guint n_reps,
                              const GDate *today,
                              const GDate *founding,
                              gboolean record,
                              GDate *ret_dates,
                              GError **error);

/* ------------------------------------------------------------- activity */

/* One logged entry: what a rep did on a day. Counts are >= 0; a count the
 * rep did not give is 0 (there is no "unknown": the sums below are what the
 * progress module and the history factors need). */
typedef struct {
  gint64 id;            /* assigned by the store; ignored when adding */
  char *campaign;
  char *rep;
  GDate date;
  gint64 contacts;      /* calls that reached someone or not: the effort */
  gint64 prospects;     /* prospects actually reached */
  gint64 active;        /* of those, active (can accept a proposal) */
  gint64 latent;
  gint64 arid;
  gint64 proposals;
  gint64 deals;
  gint64 revenue_cents;
  char *note;           /* free text, or NULL */
  gint64 created;       /* Unix seconds; 0 when adding means "now" */
} PdActivity;

/* A zeroed entry (invalid date, NULL strings). Free with pd_activity_free(). */
PdActivity *pd_activity_new (void);

/* Frees the entry and its strings. Accepts NULL. */
void pd_activity_free (PdActivity *activity);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdActivity, pd_activity_free)

/* Adds one entry to a known campaign; on success writes the new entry's id
 * (> 0) to ret_id (when not NULL). The caller keeps `activity`. When this
 * returns TRUE the entry is committed: it survives the process being
 * killed. Errors: PD_STORE_ERROR_INVALID (empty rep, invalid date, a
 * negative count, or a count that would take the sum of its day, the
 * rep's or the team's, beyond 64 bits), PD_STORE_ERROR_NOT_FOUND (unknown
 * campaign), or a backend error; nothing is written then. */
gboolean pd_store_add_activity (PdStore *store,
                                const PdActivity *activity,
                                gint64 *ret_id,
                                GError **error);

/* The entries of `campaign`, only `rep`'s when `rep` is not NULL, ordered by
 * date then id. Returns a new GPtrArray of PdActivity* (owned, freed with
 * the array; empty when there are none), or NULL with error set. */
GPtrArray *pd_store_list_activity (PdStore *store,
                                   const char *campaign,
                                   const char *rep,
                                   GError **error);

/* Removes the entry with this id. Errors: PD_STORE_ERROR_NOT_FOUND when
 * there is no such entry, or a backend error. Ids are never reused: an
 * entry added later gets a higher id than any entry ever stored (schema 5
 * on). */
gboolean pd_store_remove_activity (PdStore *store, gint64 id, GError **error);

/* The same, and writes what the entry held to ret_removed (a new
 * PdActivity, when not NULL) once it is removed. */
gboolean pd_store_take_activity (PdStore *store, gint64 id, PdActivity **ret_removed, GError **error);

/* Reads the entry with this id into ret_activity (a new PdActivity).
 * Errors: PD_STORE_ERROR_NOT_FOUND, or a backend error. */
gboolean pd_store_get_activity (PdStore *store, gint64 id, PdActivity **ret_activity, GError **error);

/* Writes campaign, rep, date, counts and note of `activity` over the
 * entry activity->id, which keeps its id and created time. Errors as
 * pd_store_add_activity(), and PD_STORE_ERROR_NOT_FOUND when there is no
 * such entry; nothing is written then. */
gboolean pd_store_update_activity (PdStore *store, const PdActivity *activity, GError **error);

/* Replaces a rep's day: removes every entry of (activity->campaign,
 * activity->rep, activity->date) and adds `activity`, in one transaction.
 * Writes the new id to ret_id and the removed entries (a new GPtrArray of
 * PdActivity*, by id; empty when the day had none) to ret_removed, each
 * when not NULL. Errors as pd_store_add_activity(). */
gboolean pd_store_replace_day (PdStore *store,
                               const PdActivity *activity,
                               gint64 *ret_id,
                               GPtrArray **ret_removed,
                               GError **error);

/* Sums `campaign`'s entries dated on or before `up_to` (all entries when
 * NULL), for `rep` only or for the whole team when `rep` is NULL. An
 * unknown campaign or rep sums to zeros. It reads one stored sum per day
 * with an entry, not the entries. Writes ret_totals only on success;
 * errors are backend errors (a sum beyond 64 bits included). */
gboolean pd_store_totals (PdStore *store,
                          const char *campaign,
                          const char *rep,
                          const GDate *up_to,
                          PdTotals *ret_totals,
                          GError **error);

/* The two parts of `rep`'s `date` in `campaign` (schema 12): the sums of
 * its `log` entries into ret_logged and of its calls into ret_called
 * (entries: how many entries, how many calls; all 0 for a part the day
 * has not). The day as every sum above counts it is, figure by figure,
 * the larger of the two (docs/method.md, "Calls and logged days").
 * Errors are backend errors. */
gboolean pd_store_day_parts (PdStore *store,
                             const char *campaign,
                             const char *rep,
                             const GDate *date,
                             PdTotals *ret_logged,
                             PdTotals *ret_called,
                             GError **error);

/* Per day with an entry, the sums of `campaign`'s entries of that day, for
 * `rep` only or the whole team when NULL, dated from `from` to `to`
 * (inclusive; either NULL: unbounded). Returns a new GArray of PdDayTotals
 * by date, or NULL with error set. */
GArray *pd_store_day_totals (PdStore *store,
                             const char *campaign,
                             const char *rep,
                             const GDate *from,
                             const GDate *to,
                             GError **error);

/* Per rep and day, the contacts (and the day's other sums) of `campaign`
 * dated on or before `up_to` (all when NULL), for `rep` only or every rep
 * when NULL. Only days with an
 * entry appear. Returns a new GArray of PdDailyContacts ordered by rep
 * (byte order) then date, freeing its rep strings when freed; or NULL with
 * error set. */
GArray *pd_store_daily_contacts (PdStore *store,
                                 const char *campaign,
                                 const char *rep,
                                 const GDate *up_to,
                                 GError **error);

/* The same rows, in the same order, handed to `func` one at a time instead
 * of collected, so that a caller that works a rep at a time holds one
 * rep's days, not the team's. `day` and its rep string are valid during
 * the call only; a rep's rows are consecutive. Returns FALSE with error
 * set on a backend error, after the rows already handed over. */
typedef void (*PdDailyContactsFunc) (const PdDailyContacts *day, gpointer user_data);

gboolean pd_store_foreach_daily_contacts (PdStore *store,
                                          const char *campaign,
                                          const char *rep,
                                          const GDate *up_to,
                                          PdDailyContactsFunc func,
                                          gpointer user_data,
                                          GError **error);

/* ------------------------------------------------------- running sums */

/* Each rep's running sums (schema 16, kept by the store's triggers) at
 * `date`: the row of the rep's last logged day on or before it, one per
 * rep of `campaign` with such a day. Returns a new GArray of PdRepRunning
 * ordered by rep (byte order), freeing its rep strings when freed; or
 * NULL with error set. One statement, whatever the number of days: each
 * rep's last row (schema 18) read in order when it is on or before
 * `date`, a look-up for a rep whose last day is later. */
GArray *pd_store_running_at (PdStore *store,
                             const char *campaign,
                             const GDate *date,
                             GError **error);

/* Each rep's running contacts at each of `dates` (`n_dates` of them):
 * one PdRepContactsAt per rep and date on or before which the rep logged
 * a day, in no particular order, freeing their rep strings when freed;
 * or NULL with error set. One statement: per rep and date, the rep's
 * last row when it is on or before the date, else a look-up (the
 * status's checkpoints read at once, not a statement each). */
GArray *pd_store_running_contacts_at (PdStore *store,
                                      const char *campaign,
                                      const GDate *dates,
                                      guint n_dates,
                                      GError **error);

/* One rep's running sums at `date` (its last logged day on or before it;
 * all zeros when it has none). FALSE with error set on a backend error. */
gboolean pd_store_rep_running_at (PdStore *store,
                                  const char *campaign,
                                  const char *rep,
                                  const GDate *date,
                                  PdRunningSums *ret_sums,
                                  GError **error);

/* The first day, on or before `up_to`, on which `rep`'s running contacts
 * reached `contacts`: `ret_date` is left invalid when none did. FALSE
 * with error set on a backend error. */
gboolean pd_store_rep_contacts_reached (PdStore *store,
                                        const char *campaign,
                                        const char *rep,
                                        gint64 contacts,
                                        const GDate *up_to,
                                        GDate *ret_date,
                                        GError **error);

/* -------------------------------------------------------- notifications */

/* Claims the right to send notification `key` of `campaign` (use "" for
 * daemon-wide notifications) on the store's desktop
 * (pd_store_set_desktop()): records it with `sent_at` unless it is
 * recorded already for that desktop (or for every desktop), in one
 * transaction. ret_claimed is TRUE only for the one caller, in any
 * process, that recorded it for that desktop; FALSE means it was sent (or
 * is being sent) already and must not be shown again. Record first, then
 * show: a crash between the two loses a notification, never repeats one.
 * Errors: PD_STORE_ERROR_INVALID for an empty key, or a backend error
 * (ret_claimed untouched). */
gboolean pd_store_notification_claim (PdStore *store,
                                      const char *campaign,
                                      const char *key,
                                      gint64 sent_at,
                                      gboolean *ret_claimed,
                                      GError **error);

/* Whether notification `key` of `campaign` was recorded for the store's
 * desktop (or for every desktop); when it was and
 * ret_sent_at is not NULL, writes its time there. */
gboolean pd_store_notification_sent (PdStore *store,
                                     const char *campaign,
                                     const char *key,
                                     gboolean *ret_sent,
                                     gint64 *ret_sent_at,
                                     GError **error);

/* Whose activity changed. Every entry added, changed or removed moves
 * its (campaign, rep)'s change mark past every mark before it (an entry
 * moved to another rep or campaign moves both). Writes the store's latest
 * mark (0 when nothing was ever logged) to ret_mark and, when ret_reps is
 * not NULL, the reps of `campaign` whose mark is past `since` (a new
 * NULL-terminated array, in no particular order, each rep once). A mark
 * only grows: a caller that keeps the mark it read and asks again with it
 * learns what changed in between (read the mark before the activity it
 * is about). Errors: the backend's; nothing is written then. */
gboolean pd_store_activity_changes (PdStore *store,
                                    const char *campaign,
                                    gint64 since,
                                    gint64 *ret_mark,
                                    GStrv *ret_reps,
                                    GError **error);

/* ------------------------------------------------------------ revisions */

typedef enum {
  PD_REVISION_BASELINE, /* the plan as first scheduled: "behind" is judged against it */
  PD_REVISION_CATCHUP,  /* a re-spread of the shortfall from as_of on */
} PdRevisionKind;

/* One rep's planned contacts on one day. */
typedef struct {
  char *rep;            /* owned by the revision's array (a GRefString shared by
                         * consecutive days of one rep): never freed or changed */
  GDate date;
  gint64 contacts;      /* >= 0 */
  gint64 base;          /* -1, or (a catch-up's first day) the rep's cumulative
                         * count before this day: the contacts logged by then */
} PdRevisionDay;

/* A saved schedule: the planned contacts per rep and day. */
typedef struct {
  gint64 id;            /* 0 until saved; then increasing with each save */
  char *campaign;
  PdRevisionKind kind;
  GDate as_of;          /* baseline: the campaign start; catch-up: the first re-spread day */
  gint64 created;       /* Unix seconds */
  GArray *days;         /* PdRevisionDay, owned; as loaded: by rep (byte order), then date */
  gint64 parent;        /* saving: the id of the campaign's latest revision (either kind;
                         * 0: none) the caller computed it from; -1 (the default):
                         * none given. Not loaded (-1). */
  char *source;         /* a baseline made from a campaign file: that file's
                         * PdCampaign.source_digest; NULL: unknown (a catch-up, or
                         * saved before schema 14). Owned. */
} PdRevision;

/* A new revision without days, parent -1. Copies `campaign` and `as_of`. */
PdRevision *pd_revision_new (const char *campaign,
                             PdRevisionKind kind,
                             const GDate *as_of,
                             gint64 created);

/* Appends a day (copies `rep`), base -1. */
void pd_revision_add_day (PdRevision *revision,
                          const char *rep,
                          const GDate *date,
                          gint64 contacts);

/* The same with a base (>= 0): the rep's count restarts there. */
void pd_revision_add_rebased_day (PdRevision *revision,
                                  const char *rep,
                                  const GDate *date,
                                  gint64 contacts,
                                  gint64 base);

/* Frees the revision and its days. Accepts NULL. */
void pd_revision_free (PdRevision *revision);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdRevision, pd_revision_free)

/* Saves `revision` (its id field is ignored; the caller keeps it) in one
 * transaction and writes its new id to ret_id (when not NULL). A catch-up
 * revision replaces the campaign's earlier catch-ups (the latest is the
 * only one read); the baseline stays. With a parent (>= 0) the save is
 * conditional: when the campaign's latest revision is no longer
 * `parent`, another process (a daemon evaluating the same check at the
 * same time) saved one since, and nothing is written:
 * PD_STORE_ERROR_CONFLICT; the caller reads the winner
 * (pd_store_load_latest_head()). A catch-up is so stored once for one
 * campaign, day and history, however many daemons compute it (a unique
 * index on (campaign, as_of, parent) of catch-ups backs the check). Errors:
 * PD_STORE_ERROR_NOT_FOUND (unknown campaign), PD_STORE_ERROR_INVALID
 * (invalid date, empty rep, negative contacts, the same rep and day twice),
 * PD_STORE_ERROR_CONFLICT; nothing is written then. */
gboolean pd_store_save_revision (PdStore *store,
                                 const PdRevision *revision,
                                 gint64 *ret_id,
                                 GError **error);

/* Saves a campaign's first catch-up and the baseline it is computed
 * from, in one transaction: `baseline` (a PD_REVISION_BASELINE, saved as
 * pd_store_save_revision() would, conditional when its parent is given),
 * then `catchup` (a PD_REVISION_CATCHUP) whose parent is the baseline's
 * new id (catchup->parent is ignored). No reader ever sees the baseline
 * without its catch-up, so a process that lost the race to store them
 * reads the catch-up as the campaign's latest revision. Writes the
 * catch-up's id to ret_id (when not NULL). Errors as
 * pd_store_save_revision(); nothing is written then. */
gboolean pd_store_save_first_catchup (PdStore *store,
                                      const PdRevision *baseline,
                                      const PdRevision *catchup,
                                      gint64 *ret_id,
                                      GError **error);

/* Saves a catch-up of some reps: `revision` (a PD_REVISION_CATCHUP whose
 * days are all of the listed reps) becomes the campaign's latest
 * catch-up, as pd_store_save_revision() would save it, except that the
 * days of the reps not listed are those of the latest catch-up before it,
 * kept as they were; the listed reps' days are replaced by the
 * revision's (a listed rep without days has none left). Costs the listed
 * reps' days, not the campaign's. Errors as pd_store_save_revision(),
 * and PD_STORE_ERROR_INVALID when a day's rep is not listed; nothing is
 * written then. */
gboolean pd_store_save_catchup_reps (PdStore *store,
                                     const PdRevision *revision,
                                     const char *const *reps,
                                     guint n_reps,
                                     gint64 *ret_id,
                                     GError **error);

/* The most recently saved revision of `campaign`, of either kind. Writes a
 * new PdRevision to ret_revision, or NULL when the campaign has none; returns
 * FALSE with error set (ret_revision untouched) on a backend error. */
gboolean pd_store_load_latest_revision (PdStore *store,
                                        const char *campaign,
                                        PdRevision **ret_revision,
                                        GError **error);

/* The same without its days (ret_revision->days empty): its kind, id,
 * as_of and time. */
gboolean pd_store_load_latest_head (PdStore *store,
                                    const char *campaign,
                                    PdRevision **ret_revision,
                                    GError **error);

/* The same as pd_store_load_latest_revision(), for the most recently
 * saved catch-up. */
gboolean pd_store_load_latest_catchup (PdStore *store,
                                       const char *campaign,
                                       PdRevision **ret_revision,
                                       GError **error);

/* The same, for the most recently saved baseline. A baseline saved after
 * the first one (the campaign file changed) has as_of the first day it
 * re-planned; every baseline is kept. */
gboolean pd_store_load_baseline (PdStore *store,
                                 const char *campaign,
                                 PdRevision **ret_revision,
                                 GError **error);

/* The same without its days (ret_revision->days empty): its id, as_of,
 * time and source. */
gboolean pd_store_load_baseline_head (PdStore *store,
                                      const char *campaign,
                                      PdRevision **ret_revision,
                                      GError **error);

/* ---------------------------------------------------------- feed tokens */

/* The secret of (campaign, rep)'s feed URL (see token.h). Writes a new
 * string to ret_token: the stored token; when there is none, a new one
 * stored first if `create` (the campaign must be known:
 * PD_STORE_ERROR_NOT_FOUND otherwise), else NULL. With create FALSE this
 * is the feed server's lookup: one read, nothing written. Errors:
 * PD_STORE_ERROR_INVALID (empty campaign or rep), a backend error, or
 * PD_TOKEN_ERROR_RANDOM (the kernel gave no random bytes); ret_token is
 * then untouched. */
gboolean pd_store_feed_token (PdStore *store,
                              const char *campaign,
                              const char *rep,
                              gboolean create,
                              char **ret_token,
                              GError **error);

/* The feed whose token is `token`: its campaign and rep, newly allocated,
 * or NULL in both when no feed has it. Every stored token is compared,
 * each in constant time (see token.h): how long this takes depends on
 * how many tokens there are, not on `token`. This is the feed server's
 * lookup: one read, nothing written. */
gboolean pd_store_find_feed_token (PdStore *store,
                                   const char *token,
                                   char **ret_campaign,
                                   char **ret_rep,
                                   GError **error);

/* Replaces (campaign, rep)'s token with a new one, written to ret_token:
 * the old token stops matching as soon as this returns TRUE. Errors as
 * pd_store_feed_token() with create TRUE. */
gboolean pd_store_rotate_feed_token (PdStore *store,
                                     const char *campaign,
                                     const char *rep,
                                     char **ret_token,
                                     GError **error);

/* ---------------------------------------------------------------- misc */

/* A number that changes when another connection (another process, or
 * another PdStore) has committed since the last call; this store's own
 * commits do not change it. The daemon compares it to decide whether to
 * re-read progress after a file-change event. On PostgreSQL it is a
 * counter every write transaction increments (prospectd.changes) less
 * this store's own committed writes. */
gboolean pd_store_data_version (PdStore *store,
                                gint64 *ret_version,
                                GError **error);

/* What the daemon watches to learn, without polling, that another
 * process committed a change it reads (activity, revisions, the reps'
 * first days): on PostgreSQL the connection's socket, listening from now
 * on (LISTEN) for what the schema's triggers announce (NOTIFY at
 * commit). A new connection has a new socket: ask again after reopening.
 * -1 for an SQLite file (watch the file and its -wal instead), with no
 * error; -1 with error set when the server cannot be told to listen. */
int pd_store_change_fd (PdStore *store, GError **error);

/* Reads what reached the change fd without waiting (and what libpq took
 * in meanwhile, during other queries): *ret_changed is TRUE when another
 * connection committed a change since the last call (this store's own
 * commits do not count). Returns FALSE with PD_STORE_ERROR_IO when the
 * connection to the server is lost (the store is then of no more use:
 * open a new one). An SQLite store never changes anything here. */
gboolean pd_store_read_changes (PdStore *store, gboolean *ret_changed, GError **error);
