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

PgStore *
store_pg_open (const char *uri, gboolean dry_run, gboolean *ret_missing, GError **error)
{
  /* Later keywords override earlier ones: the URI may set its own
   * connect_timeout, never the encoding our text is in. */
  const char *const keywords[] = { "connect_timeout", "dbname", "client_encoding",
                                    "fallback_application_name", NULL };
  const char *const values[] = { "10", uri, "UTF8", g_get_prgname () != NULL ? g_get_prgname () : "prospectd",
                                 NULL };
  PgStore *pg = g_new0 (PgStore, 1);
  gboolean missing = FALSE;

  pg->display = pd_store_display_name (uri);
  pg->conn = PQconnectdbParams (keywords, values, 1);
  PQsetNoticeProcessor (pg->conn, quiet_notice, NULL);
  if (PQstatus (pg->conn) != CONNECTION_OK)
    {
      pg_set_error (pg, NULL, error);
      goto fail;
    }
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
