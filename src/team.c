/* SPDX-License-Identifier: MIT
 *
 * team: include/prospectd/team.h, for both backends: an SQLite file has
 * no team (one person with every right); a PostgreSQL database's team is
 * src/store-pg-team.c's.
 */
#define G_LOG_DOMAIN "prospectd-store"

#include <glib/gi18n.h>

#include "prospectd/team.h"
#include "store-private.h"
#include "store-pg-team.h"

void
pd_team_member_free (PdTeamMember *member)
{
  if (member == NULL)
    return;
  g_free (member->login);
  g_free (member->rep);
  g_free (member);
}

static gboolean
require_server (PdStore *store, GError **error)
{
  if (store->pg != NULL)
    return TRUE;
  g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
               _("%s is an SQLite file, used by one person: a team needs a PostgreSQL database"
                 " (--db postgresql://..., see prospectctl(1))"),
               pd_store_path (store));
  return FALSE;
}

gboolean
pd_team_grant (PdStore *store, const char *login, const char *rep, GError **error)
{
  g_return_val_if_fail (store != NULL && login != NULL, FALSE);

  if (*login == '\0' || (rep != NULL && *rep == '\0'))
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID, _("empty login or rep name"));
      return FALSE;
    }
  return require_server (store, error) && store_pg_team_grant (store->pg, login, rep, error);
}

gboolean
pd_team_revoke (PdStore *store, const char *login, gboolean *ret_was_member, GError **error)
{
  gboolean was_member = FALSE;

  g_return_val_if_fail (store != NULL && login != NULL, FALSE);

  if (!require_server (store, error) || !store_pg_team_revoke (store->pg, login, &was_member, error))
    return FALSE;
  if (ret_was_member != NULL)
    *ret_was_member = was_member;
  return TRUE;
}

GPtrArray *
pd_team_list (PdStore *store, GError **error)
{
  g_return_val_if_fail (store != NULL, NULL);

  if (!require_server (store, error))
    return NULL;
  return store_pg_team_list (store->pg, error);
}

gboolean
pd_team_whoami (PdStore *store, char **ret_login, char **ret_rep, GError **error)
{
  g_return_val_if_fail (store != NULL, FALSE);

  if (store->pg == NULL)
    {
      if (ret_login != NULL)
        *ret_login = NULL;
      if (ret_rep != NULL)
        *ret_rep = NULL;
      return TRUE;
    }
  return store_pg_team_whoami (store->pg, ret_login, ret_rep, NULL, error);
}

gboolean
pd_team_check_rep (PdStore *store, const char *rep, const char *refusal, GError **error)
{
  g_autofree char *login = NULL, *own = NULL;

  g_return_val_if_fail (store != NULL && rep != NULL && refusal != NULL, FALSE);

  if (!pd_team_whoami (store, &login, &own, error))
    return FALSE;
  if (login == NULL || own == NULL || g_str_equal (own, rep))
    return TRUE;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_IO, refusal, login, own);
#pragma GCC diagnostic pop
  return FALSE;
}
