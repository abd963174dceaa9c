/* SPDX-License-Identifier: MIT
 *
 * team: the logins of a team's PostgreSQL database and what each may do
 * (docs/storage.md). A rep's login adds, lists and removes only that rep's
 * activity, reads the team's daily sums, and reads and rotates only that
 * rep's feed token; a manager's login reads and writes everything. The
 * server enforces it (row-level security, privileges): these functions
 * manage the logins, and say in advance what the server would refuse, so
 * that a command can refuse it in plain words before writing anything.
 *
 * On an SQLite file there is no team: one person, every right;
 * pd_team_grant(), pd_team_revoke() and pd_team_list() are
 * PD_STORE_ERROR_INVALID there.
 */
#pragma once

#include <glib.h>
#include "prospectd/store.h"

/* One login of the team. */
typedef struct {
  char *login;  /* the server's role */
  char *rep;    /* the rep it acts as, or NULL for a manager's login */
} PdTeamMember;

void pd_team_member_free (PdTeamMember *member);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdTeamMember, pd_team_member_free)

/* Makes the server's login `login` a rep's login acting as `rep`, or a
 * manager's when `rep` is NULL (a login granted before changes role). Only
 * the database's owner may; the login must exist on the server and be
 * neither the owner nor a superuser. Errors: PD_STORE_ERROR_INVALID (no
 * such login, the owner, a superuser, an SQLite file), PD_STORE_ERROR_IO
 * (not the owner), a backend error; nothing is written then. */
gboolean pd_team_grant (PdStore *store, const char *login, const char *rep, GError **error);

/* Takes every right of `login` away. *ret_was_member: it was on the team
 * (else nothing was written). Errors as pd_team_grant(). */
gboolean pd_team_revoke (PdStore *store, const char *login, gboolean *ret_was_member, GError **error);

/* The team's logins by name: a new GPtrArray of PdTeamMember*. */
GPtrArray *pd_team_list (PdStore *store, GError **error);

/* Who this connection is: its login (a new string; NULL on an SQLite
 * file) and the one rep it may act as (a new string), or NULL in
 * *ret_rep when it may act for everyone (a manager, the database's owner,
 * a superuser, an SQLite file). Either pointer may be NULL. */
gboolean pd_team_whoami (PdStore *store, char **ret_login, char **ret_rep, GError **error);

/* Whether this connection may act for `rep`: TRUE, or FALSE with error
 * PD_STORE_ERROR_IO set to `refusal`, a format taking the login then its
 * rep (e.g. "%s may log activity only as %s"), or a backend error. */
gboolean pd_team_check_rep (PdStore *store, const char *rep, const char *refusal, GError **error);
