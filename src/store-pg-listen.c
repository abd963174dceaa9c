/* SPDX-License-Identifier: MIT
 *
 * store-pg-listen: how a daemon on PostgreSQL learns of the others'
 * changes without polling. The schema's triggers (step 10) announce every
 * change of what an evaluation reads with NOTIFY on channel `prospectd`
 * (payload "TABLE:CAMPAIGN"), delivered at commit. A connection that has
 * issued LISTEN receives them on its socket, which the daemon watches in
 * its main loop; reading them is PQconsumeInput() then PQnotifies() until
 * empty, never a wait. A connection's own commits are announced to it
 * too: they are told apart by the backend's pid.
 */
#define G_LOG_DOMAIN "prospectd-store"

#include "store-pg-private.h"

int
store_pg_change_fd (PgStore *pg, GError **error)
{
  if (!pg->listening)
    {
      if (!pg_exec (pg, "LISTEN prospectd", error))
        return -1;
      pg->listening = TRUE;
    }
  return PQsocket (pg->conn);
}

gboolean
store_pg_read_changes (PgStore *pg, gboolean *ret_changed, GError **error)
{
  int self = PQbackendPID (pg->conn);
  gboolean changed = FALSE;
  PGnotify *notify;

  /* Reads what the socket holds; a lost connection says so here (the
   * server's "terminating connection", or the end of the stream). */
  if (!PQconsumeInput (pg->conn) || PQstatus (pg->conn) != CONNECTION_OK)
    {
      g_autoptr (GError) local_error = NULL;

      pg_set_error (pg, NULL, &local_error);
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_IO, _("Lost the connection to the database '%s': %s"),
                   pg->display, local_error->message);
      return FALSE;
    }
  while ((notify = PQnotifies (pg->conn)) != NULL)
    {
      changed = changed || notify->be_pid != self;
      PQfreemem (notify);
    }
  *ret_changed = changed;
  return TRUE;
}
