/* SPDX-License-Identifier: MIT
 *
 * store-pg: the PostgreSQL backend of include/prospectd/store.h, its
 * connection. Owns connecting (libpq reads the URI and everything else it
 * reads: host or socket directory, port, sslmode, service, ~/.pgpass, the
 * PG* variables), the settings every connection pins, the schema's check
 * on opening, the dry run's rolled-back transaction, closing, and the
 * change counter. The plumbing every query goes through is
 * store-pg-sql.c's.
 */
#define G_LOG_DOMAIN "prospectd-store"

#include "store-pg-private.h"

#include <errno.h>
#include <poll.h>

/* Pinned on every connection: the names of the schema first found in
 * pg_catalog then prospectd, never in another schema or a temporary
 * table; dates as YYYY-MM-DD; only warnings and errors from the server. */
#define SESSION_SETTINGS \
  "SET search_path = pg_catalog, prospectd, pg_temp;" \
  "SET datestyle = 'ISO, YMD';" \
  "SET client_min_messages = warning"

/* The server's notices and the errors it sends outside a query (the
 * "terminating connection" of a shutdown) go to the debug log, not to
 * stderr as libpq would print them: the failure they cause reaches the
 * caller as an error, said once by the program. */
static void
quiet_notice (void *data, const char *message)
{
  (void) data;
  g_debug ("server: %s", message);
}

/* The connection made step by step (PQconnectStartParams, then
 * PQconnectPoll) rather than by PQconnectdbParams, so that quiet_notice is
 * in place before the first message is read: a server shutting down may
 * send its "terminating connection" right behind the ReadyForQuery that
 * ends the start-up, and libpq hands that to the notice processor of the
 * moment — its default one, which prints it on stderr (docs/pitfalls.md).
 * The asynchronous path does not apply connect_timeout itself: each wait
 * for the server gets at most that long, as libpq's own loop does. */
static gboolean
connect_wait (PgStore *pg, GError **error)
{
  PGconn *conn = pg->conn;
  PostgresPollingStatusType state = PGRES_POLLING_WRITING;
  int timeout_ms = -1;
  PQconninfoOption *options = PQconninfo (conn);

  for (PQconninfoOption *o = options; o != NULL && o->keyword != NULL; o++)
    if (g_str_equal (o->keyword, "connect_timeout") && o->val != NULL)
      {
        gint64 seconds = g_ascii_strtoll (o->val, NULL, 10);

        /* libpq's own reading: 0 waits for ever, less than 2 s is 2 s. */
        if (seconds > 0)
          timeout_ms = (int) MIN (MAX (seconds, 2), G_MAXINT / 1000) * 1000;
      }
  PQconninfoFree (options);

  if (PQstatus (conn) == CONNECTION_BAD)
    {
      pg_set_error (pg, NULL, error);
      return FALSE;
    }
  while (state != PGRES_POLLING_OK && state != PGRES_POLLING_FAILED)
    {
      struct pollfd fd = { PQsocket (conn), state == PGRES_POLLING_READING ? POLLIN : POLLOUT, 0 };
      int ready = poll (&fd, 1, timeout_ms);

      if (ready < 0 && errno == EINTR)
        continue;
      if (ready == 0)
        {
          g_set_error_literal (error, PD_STORE_ERROR, PD_STORE_ERROR_IO, _("timeout expired"));
          return FALSE;
        }
      state = PQconnectPoll (conn);
    }
  if (state == PGRES_POLLING_OK)
    return TRUE;
  pg_set_error (pg, NULL, error);
  return FALSE;
}

PgStore *
store_pg_open (const char *uri, gboolean dry_run, gboolean *ret_missing, GError **error)
{
  /* Later keywords override earlier ones: the URI may set its own
   * connect_timeout, never the encoding our text is in. */
  const char *const keywords[] = { "connect_timeout", "dbname", "client_encoding",
                                    "fallback_application_name", NULL };
  const char *const values[] = { "10", uri, "UTF8", g_get_prgname () != NULL ? g_get_prgname () : "prospectd",
                                 NULL };
  PgStore *pg = NULL;
  gboolean missing = FALSE;

  if (!store_pg_lib_load (error))
    {
      g_autofree char *display = pd_store_display_name (uri);

      g_prefix_error (error, _("Cannot open the database '%s': "), display);
      return NULL;
    }
  pg = g_new0 (PgStore, 1);
  pg->display = pd_store_display_name (uri);
  pg->conn = PQconnectStartParams (keywords, values, 1);
  if (pg->conn == NULL)
    g_error ("%s: out of memory", G_STRFUNC);
  PQsetNoticeProcessor (pg->conn, quiet_notice, NULL);
  if (!connect_wait (pg, error))
    goto fail;
  if (!pg_exec (pg, SESSION_SETTINGS, error))
    goto fail;
  if (dry_run)
    {
      /* The dry run's copy: one snapshot, every write in it, nothing kept. */
      if (!pg_exec (pg, "BEGIN ISOLATION LEVEL REPEATABLE READ", error))
        goto fail;
      pg->dry_run = TRUE;
    }
  if (!pg_migrate (pg, &missing, error))
    goto fail;
  if (ret_missing != NULL)
    *ret_missing = missing;
  return pg;

fail:
  g_prefix_error (error, _("Cannot open the database '%s': "), pg->display);
  store_pg_close (pg);
  return NULL;
}

void
store_pg_close (PgStore *pg)
{
  if (pg == NULL)
    return;
  /* A dry run's transaction ends with the connection: rolled back. */
  PQfinish (pg->conn);
  g_free (pg->display);
  g_free (pg);
}

gint64
store_pg_schema_found (const PgStore *pg)
{
  return pg->schema_found;
}

gboolean
store_pg_data_version (PgStore *pg, gint64 *ret_version, GError **error)
{
  g_autoptr (PGresult) result = pg_query (pg, "SELECT counter FROM changes", 0, NULL, error);

  if (result == NULL || PQntuples (result) != 1)
    {
      if (result != NULL)
        g_set_error_literal (error, PD_STORE_ERROR, PD_STORE_ERROR_CORRUPT, _("The change counter is missing"));
      g_prefix_error (error, _("Cannot read the database version: "));
      return FALSE;
    }
  /* The others' changes: ours are counted out. */
  *ret_version = pg_int (result, 0, 0) - pg->own_changes;
  return TRUE;
}
