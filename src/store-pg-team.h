/* SPDX-License-Identifier: MIT
 *
 * store-pg-team: the PostgreSQL backend of include/prospectd/team.h, and
 * the team's security applied to the schema (src/store-pg-team.c).
 */
#pragma once

#include <glib.h>

#include "prospectd/team.h"
#include "store-pg.h"

/* Inside the schema's transaction, by its owner, after every upgrade:
 * the table of logins, row-level security, policies and privileges
 * (idempotent). */
gboolean pg_team_secure (PgStore *pg, GError **error);

gboolean store_pg_team_grant (PgStore *pg, const char *login, const char *rep, GError **error);
gboolean store_pg_team_revoke (PgStore *pg, const char *login, gboolean *ret_was_member, GError **error);
GPtrArray *store_pg_team_list (PgStore *pg, GError **error);
/* *ret_rep NULL: acts for everyone. *ret_owner: the schema's owner. */
gboolean store_pg_team_whoami (PgStore *pg, char **ret_login, char **ret_rep, gboolean *ret_owner,
                               GError **error);
