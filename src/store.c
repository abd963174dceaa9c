/* SPDX-License-Identifier: MIT
 *
 * store: the SQLite backend of include/prospectd/store.h, its connection.
 *
 * The backend is the files src/store*.c; only they speak SQL or include
 * sqlite3.h, and src/store-private.h says which owns what. This one owns the
 * connection: opening the file (its directory and modes, a file opened by
 * others tightened to 0600), the connection settings (WAL, synchronous,
 * busy timeout, foreign keys), the dry run's in-memory copy, closing, and
 * whether the file at the path is still the one opened. The plumbing every
 * query goes through is store-sql.c's. A PostgreSQL URI opens the other
 * backend (src/store-pg.c) behind the same PdStore.
 */
#define G_LOG_DOMAIN "prospectd-store"

#include "store-private.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <glib.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

/* ------------------------------------------------------ open and close */

static const char *const companion_suffixes[] = { "-wal", "-shm" };

/* Device and inode of the file at `path`, or zeros. */
static void
file_identity (const char *path, guint64 ret_identity[2])
{
  GStatBuf info;

  ret_identity[0] = ret_identity[1] = 0;
  if (g_stat (path, &info) == 0)
    {
      ret_identity[0] = (guint64) info.st_dev;
      ret_identity[1] = (guint64) info.st_ino;
    }
}

char *
pd_store_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "prospectd", "prospectd.db",
                           NULL);
}

/* Connection settings, then the schema. */
static gboolean
configure (PdStore *store, gboolean in_memory, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  const char *mode;
  int rc;

  sqlite3_extended_result_codes (store->db, 1);
  /* Every lock, BEGIN IMMEDIATE's included, waits up to this long. */
  sqlite3_busy_timeout (store->db, BUSY_TIMEOUT_MS);

  /* The first statement to read the file: a file that is not a database
   * fails here with SQLITE_NOTADB. journal_mode=WAL is persistent (stored
   * in the file) and answers the mode in effect. */
  stmt = store_prepare (store, "PRAGMA journal_mode = WAL", error);
  if (stmt == NULL)
    return FALSE;
  /* Switching a rollback-journal file to WAL needs an exclusive lock, and
   * when several processes open the file at once SQLite answers
   * SQLITE_BUSY without calling the busy handler (it would deadlock
   * otherwise). Retry for as long as busy_timeout would have waited. */
  rc = sqlite3_step (stmt);
  for (int waited = 0; (rc & 0xff) == SQLITE_BUSY && waited < BUSY_TIMEOUT_MS; waited += 10)
    {
      sqlite3_reset (stmt);
      g_usleep (10 * 1000);
      rc = sqlite3_step (stmt);
    }
  if (rc != SQLITE_ROW)
    {
      store_set_error (error, store->db, rc);
      return FALSE;
    }
  mode = (const char *) sqlite3_column_text (stmt, 0);
  if (g_strcmp0 (mode, in_memory ? "memory" : "wal") != 0)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_IO,
                   _("Cannot use write-ahead logging (journal mode is '%s'); "
                     "is the file on a network file system?"),
                   mode != NULL ? mode : "");
      return FALSE;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  /* Why NORMAL and not FULL: in WAL mode a commit is complete once its
   * frames are written to the -wal file, i.e. handed to the kernel. A
   * process killed (SIGKILL, crash) right after pd_store_add_activity()
   * returned loses nothing: the kernel still writes the page cache out and
   * the next open replays the WAL. What NORMAL gives up is the fsync at
   * each commit, so a power loss or kernel crash may lose the last
   * commits (never corrupt the file: WAL is fsynced at each checkpoint).
   * For a log of calls that the rep can re-enter, that is the right trade
   * against an fsync per `prospectctl log`.
   *
   * Temporary tables in memory: the running sums' trigger (schema 16)
   * reads the rep's previous day from the table it writes, which SQLite
   * copies into a temporary table first; in a file, that cost each log
   * about 130 us of file system calls (bench (e): 66 -> 236 us). */
  return store_exec (store, "PRAGMA synchronous = NORMAL", error)
         && store_exec (store, "PRAGMA foreign_keys = ON", error)
         && store_exec (store, "PRAGMA temp_store = MEMORY", error)
         && store_migrate (store, error);
}

/* The existing file at store->path (a symbolic link is followed: a
 * database kept elsewhere is a choice) must be a regular file; one that
 * others may read or write is made 0600, its -wal and -shm too, and the
 * mode it had is kept for pd_store_tightened_mode(). A missing file is
 * created later, 0600 under umask 077. */
static gboolean
check_file (PdStore *store, GError **error)
{
  GStatBuf info;

  if (g_stat (store->path, &info) != 0)
    return TRUE; /* missing: created; anything else: SQLite says it */
  if (!S_ISREG (info.st_mode))
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_IO,
                   _("Cannot open the database '%s': not a regular file"), store->path);
      return FALSE;
    }
  if ((info.st_mode & 077) == 0)
    return TRUE;
  if (g_chmod (store->path, info.st_mode & 0700) != 0)
    return TRUE; /* not ours to change: used as it is */
  store->tightened_from = info.st_mode & 0777;
  for (guint i = 0; i < G_N_ELEMENTS (companion_suffixes); i++)
    {
      g_autofree char *companion = g_strconcat (store->path, companion_suffixes[i], NULL);
      GStatBuf companion_info;

      if (g_lstat (companion, &companion_info) == 0 && S_ISREG (companion_info.st_mode))
        g_chmod (companion, companion_info.st_mode & 0700);
    }
  return TRUE;
}

gint64
pd_store_schema_found (const PdStore *store)
{
  g_return_val_if_fail (store != NULL, 0);
  return store->pg != NULL ? store_pg_schema_found (store->pg) : store->schema_found;
}

guint
pd_store_tightened_mode (const PdStore *store)
{
  g_return_val_if_fail (store != NULL, 0);
  return store->tightened_from;
}

/* A store on the PostgreSQL database at `uri` (a dry run's copy: one
 * transaction, rolled back at close). */
static PdStore *
open_server (const char *uri, gboolean dry_run, gboolean *ret_missing, GError **error)
{
  PgStore *pg = store_pg_open (uri, dry_run, ret_missing, error);
  PdStore *store;

  if (pg == NULL)
    return NULL;
  store = g_new0 (PdStore, 1);
  store->pg = pg;
  store->path = g_strdup (uri);
  return store;
}

PdStore *
pd_store_open (const char *path, GError **error)
{
  g_autoptr (PdStore) store = NULL;
  gboolean in_memory = g_strcmp0 (path, ":memory:") == 0;
  mode_t old_umask;
  gboolean ok;
  int rc;

  if (pd_store_name_is_server (path))
    return open_server (path, FALSE, NULL, error);
  store = g_new0 (PdStore, 1);
  if (path != NULL && *path == '\0')
    {
      /* SQLite would open a private temporary database: not what anyone meant. */
      g_set_error_literal (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                           _("Cannot open the database: empty path"));
      return NULL;
    }
  store->path = path != NULL ? g_strdup (path) : pd_store_default_path ();

  /* The data is one user's business: directory 0700, files 0600. SQLite
   * gives -wal and -shm the database file's mode, and the
   * database file gets 0666 & ~umask: hence umask 077 while it may be
   * created. umask is per process, hence the warning in the header. */
  old_umask = umask (077);

  if (!in_memory)
    {
      g_autofree char *dir = g_path_get_dirname (store->path);

      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          int saved_errno = errno;

          umask (old_umask);
          g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_IO,
                       _("Cannot create the database directory '%s': %s"),
                       dir, g_strerror (saved_errno));
          return NULL;
        }
    }

  if (!in_memory && !check_file (store, error))
    {
      umask (old_umask);
      return NULL;
    }

  /* NOMUTEX: a PdStore is used from one thread at a time (store.h), so
   * the connection's own mutex only costs: SQLite takes it in every
   * sqlite3_step() and sqlite3_column_*() call, 14 % of the instructions
   * of the team's daily contacts (340 000 rows, make bench). */
  rc = sqlite3_open_v2 (store->path, &store->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      store_set_error (error, store->db, rc);
      ok = FALSE;
    }
  else
    ok = configure (store, in_memory, error);

  umask (old_umask);

  if (!ok)
    {
      g_prefix_error (error, _("Cannot open the database '%s': "), store->path);
      return NULL;
    }
  if (!in_memory)
    {
      guint64 identity[2];

      file_identity (store->path, identity);
      store->device = identity[0];
      store->inode = identity[1];
      for (guint i = 0; i < G_N_ELEMENTS (companion_suffixes); i++)
        {
          g_autofree char *companion = g_strconcat (store->path, companion_suffixes[i], NULL);

          file_identity (companion, store->companions[i]);
        }
    }
  return g_steal_pointer (&store);
}

/* A dry run's database: the file's content, copied with SQLite's backup
 * API into a private in-memory database that then takes every write.
 *
 * The file is opened read-write but never created and with query_only on:
 * a read-only connection to a WAL database creates its -wal and -shm files
 * when they are missing and leaves them behind, while a read-write one, if
 * it is the last to close, removes them again. Closing does not write to
 * the file either, unless the -wal of a crashed process still holds
 * commits (the checkpoint any opening would do: the content stays the
 * same). The copy is one read transaction: a consistent snapshot, even
 * with the daemon writing. */
PdStore *
pd_store_open_copy (const char *path, gboolean *ret_missing, GError **error)
{
  g_autoptr (PdStore) store = NULL;
  sqlite3 *source = NULL;
  gboolean missing;
  gboolean ok = TRUE;
  int rc;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (pd_store_name_is_server (path))
    return open_server (path, TRUE, ret_missing, error);
  store = g_new0 (PdStore, 1);

  if (path != NULL && *path == '\0')
    {
      g_set_error_literal (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                           _("Cannot open the database: empty path"));
      return NULL;
    }
  store->path = path != NULL ? g_strdup (path) : pd_store_default_path ();
  missing = !g_file_test (store->path, G_FILE_TEST_EXISTS);

  rc = sqlite3_open_v2 (":memory:", &store->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      store_set_error (error, store->db, rc);
      ok = FALSE;
    }
  if (ok && !missing)
    {
      rc = sqlite3_open_v2 (store->path, &source, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
      if (rc == SQLITE_OK)
        {
          sqlite3_extended_result_codes (source, 1);
          sqlite3_busy_timeout (source, BUSY_TIMEOUT_MS);
          rc = sqlite3_exec (source, "PRAGMA query_only = ON", NULL, NULL, NULL);
        }
      if (rc == SQLITE_OK)
        {
          sqlite3_backup *backup = sqlite3_backup_init (store->db, "main", source, "main");

          if (backup == NULL)
            rc = sqlite3_errcode (store->db);
          else
            {
              rc = sqlite3_backup_step (backup, -1);
              sqlite3_backup_finish (backup);
              rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
            }
        }
      if (rc != SQLITE_OK)
        {
          store_set_error (error, source != NULL ? source : store->db, rc);
          ok = FALSE;
        }
      sqlite3_close_v2 (source);
    }
  ok = ok && configure (store, TRUE, error);
  if (!ok)
    {
      g_prefix_error (error, _("Cannot open the database '%s': "), store->path);
      return NULL;
    }
  if (ret_missing != NULL)
    *ret_missing = missing;
  return g_steal_pointer (&store);
}

void
pd_store_close (PdStore *store)
{
  if (store == NULL)
    return;
  store_pg_close (store->pg);
  for (gsize i = 0; i < G_N_ELEMENTS (store->cached); i++)
    g_clear_pointer (&store->cached[i], sqlite3_finalize);
  /* close_v2: a statement left unfinalized (a bug) delays the close rather
   * than leaking the connection. The last connection to close checkpoints
   * the WAL and removes -wal and -shm. */
  sqlite3_close_v2 (store->db);
  g_free (store->path);
  g_free (store->desktop);
  g_free (store);
}

PdStoreFile
pd_store_file_state (const PdStore *store)
{
  GStatBuf info;

  g_return_val_if_fail (store != NULL, PD_STORE_FILE_SAME);

  if (store->device == 0 && store->inode == 0)
    return PD_STORE_FILE_SAME; /* in memory */
  if (g_stat (store->path, &info) != 0)
    return errno == ENOENT ? PD_STORE_FILE_GONE : PD_STORE_FILE_SAME;
  if ((guint64) info.st_dev != store->device || (guint64) info.st_ino != store->inode)
    return PD_STORE_FILE_REPLACED;
  return PD_STORE_FILE_SAME;
}

void
pd_store_abandon (PdStore *store)
{
  g_autofree char *path = NULL;
  gboolean own[G_N_ELEMENTS (companion_suffixes)];

  if (store == NULL)
    return;
  /* SQLite skips the checkpoint on close, and with it the removal of
   * -wal and -shm, once the file has moved (its path names another file
   * or none). Those of another database (the path removed with its -wal
   * and -shm, then a new database created there) must indeed stay; but
   * this file's own, left at the path, would be read as the new file's
   * WAL: they are removed here. */
  for (guint i = 0; i < G_N_ELEMENTS (companion_suffixes); i++)
    {
      g_autofree char *companion = g_strconcat (store->path, companion_suffixes[i], NULL);
      guint64 identity[2];

      file_identity (companion, identity);
      own[i] = (identity[0] != 0 || identity[1] != 0)
               && identity[0] == store->companions[i][0] && identity[1] == store->companions[i][1];
    }
  path = g_strdup (store->path);
  pd_store_close (store);
  for (guint i = 0; i < G_N_ELEMENTS (companion_suffixes); i++)
    {
      g_autofree char *companion = g_strconcat (path, companion_suffixes[i], NULL);

      if (own[i])
        g_unlink (companion);
    }
}

void
pd_store_free (PdStore *store)
{
  pd_store_close (store);
}
const char *
pd_store_path (const PdStore *store)
{
  g_return_val_if_fail (store != NULL, NULL);
  return store->path;
}

void
pd_store_set_desktop (PdStore *store, const char *desktop)
{
  g_return_if_fail (store != NULL);
  g_free (store->desktop);
  store->desktop = desktop != NULL && *desktop != '\0' ? g_strdup (desktop) : NULL;
}

/* ---------------------------------------------------------------- misc */

int
pd_store_change_fd (PdStore *store, GError **error)
{
  g_return_val_if_fail (store != NULL, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  return store->pg != NULL ? store_pg_change_fd (store->pg, error) : -1;
}

gboolean
pd_store_read_changes (PdStore *store, gboolean *ret_changed, GError **error)
{
  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (ret_changed != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (store->pg != NULL)
    return store_pg_read_changes (store->pg, ret_changed, error);
  *ret_changed = FALSE;
  return TRUE;
}

gboolean
pd_store_data_version (PdStore *store, gint64 *ret_version, GError **error)
{
  gint64 version;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (ret_version != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (store->pg != NULL)
    return store_pg_data_version (store->pg, ret_version, error);
  if (!store_query_int (store, "PRAGMA data_version", &version, error))
    {
      g_prefix_error (error, _("Cannot read the database version: "));
      return FALSE;
    }
  *ret_version = version;
  return TRUE;
}
