/* SPDX-License-Identifier: MIT
 *
 * store-pg-team: who may do what in a team's PostgreSQL database
 * (include/prospectd/team.h, docs/storage.md). Owns the team's security,
 * applied to the schema `prospectd` by its owner with every upgrade:
 *
 *   - prospectd.team: each login of the team, the rep it acts as, or none
 *     for a manager's; the schema's owner is a manager without a row;
 *   - row-level security enabled and forced (the owner included) on every
 *     table: activity, feed_tokens, prospects and calls show and take
 *     only the rows of the login's rep, unless it is a manager's (a
 *     prospect of no rep: managers only), prospect_attributes and
 *     prospect_sources those of the prospects the login sees; the other tables are shared
 *     by the team, and their privileges say who writes what;
 *   - privileges, granted to each login by team_apply() from its row: a
 *     rep's login reads every table (its own entries and token only), adds,
 *     changes and removes its own entries, issues and rotates its own
 *     token, and writes what its daemon keeps (campaigns seen, the first
 *     day of reps, schedule revisions, notifications claimed, the change
 *     counter), and the prospects' change marks of the reps it imports
 *     for; a manager's writes everything but the per-day sums and
 *     the team. No login writes the per-day sums: the trigger that keeps
 *     them runs as the schema's owner (SECURITY DEFINER, search_path
 *     pinned), can only run as a trigger, and adds only the row that
 *     passed the policies; the function it calls may be called by no
 *     login. Every function pins search_path.
 *
 * Logins are roles of the server, created by whoever administers it
 * (CREATE ROLE alice LOGIN PASSWORD ...); granting needs no CREATEROLE:
 * the owner grants privileges on its own tables.
 */
#define G_LOG_DOMAIN "prospectd-store"

#include "store-pg-private.h"
#include "store-pg-team.h"

#include <string.h>

#define PINNED "SET search_path = pg_catalog, prospectd, pg_temp"

/* Idempotent: run after every upgrade, in its transaction. */
static const char *const security[] = {
  "CREATE TABLE IF NOT EXISTS prospectd.team ("
  "  login text COLLATE \"C\" PRIMARY KEY CHECK (login <> ''),"
  "  rep text COLLATE \"C\" CHECK (rep IS NULL OR rep <> '')"
  ");"
  /* The rep the connection's login acts as (NULL: none). */
  "CREATE OR REPLACE FUNCTION prospectd.team_rep () RETURNS text"
  "  LANGUAGE sql STABLE " PINNED
  "  AS $$ SELECT rep FROM prospectd.team WHERE login = current_user $$;"
  /* Whether it acts for everyone: the schema's owner (a superuser is
   * one too), or a manager's login. */
  "CREATE OR REPLACE FUNCTION prospectd.team_manager () RETURNS boolean"
  "  LANGUAGE sql STABLE " PINNED
  "  AS $$ SELECT pg_has_role ((SELECT nspowner FROM pg_namespace WHERE nspname = 'prospectd'), 'USAGE')"
  "        OR EXISTS (SELECT 1 FROM prospectd.team WHERE login = current_user AND rep IS NULL) $$;",

  /* A login's privileges from its row of prospectd.team: all taken away,
   * then what its row gives (nothing without a row). Run by the owner. */
  "CREATE OR REPLACE FUNCTION prospectd.team_apply (p_login text) RETURNS void"
  "  LANGUAGE plpgsql " PINNED " AS $$"
  "DECLARE"
  "  member_rep text;"
  "  shared record;"
  "BEGIN"
  "  EXECUTE format ('REVOKE ALL ON ALL TABLES IN SCHEMA prospectd FROM %I', p_login);"
  "  EXECUTE format ('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA prospectd FROM %I', p_login);"
  "  EXECUTE format ('REVOKE ALL ON SCHEMA prospectd FROM %I', p_login);"
  "  SELECT rep INTO member_rep FROM prospectd.team WHERE login = p_login;"
  "  IF NOT FOUND THEN"
  "    RETURN;"
  "  END IF;"
  "  EXECUTE format ('GRANT USAGE ON SCHEMA prospectd TO %I', p_login);"
  "  EXECUTE format ('GRANT SELECT ON ALL TABLES IN SCHEMA prospectd TO %I', p_login);"
  "  EXECUTE format ('GRANT EXECUTE ON FUNCTION prospectd.team_rep (), prospectd.team_manager () TO %I',"
  "                  p_login);"
  "  EXECUTE format ('GRANT UPDATE (counter) ON prospectd.changes TO %I', p_login);"
  /* What a desktop's daemon keeps for the whole team, whoever's it is. */
  "  FOR shared IN SELECT * FROM (VALUES ('rep_starts', 'INSERT'), ('notifications', 'INSERT'),"
  "      ('revisions', 'INSERT, DELETE'), ('revision_days', 'INSERT, DELETE'),"
  "      ('catchup_days', 'INSERT, UPDATE, DELETE'), ('activity_changes', 'INSERT, UPDATE, DELETE'),"
  /* What an import writes with the prospects: its reps' change marks,
   * once each (schema 17). */
  "      ('prospect_changes', 'INSERT, UPDATE'))"
  "      AS t (name, privileges) WHERE to_regclass ('prospectd.' || name) IS NOT NULL LOOP"
  "    EXECUTE format ('GRANT %s ON prospectd.%I TO %I', shared.privileges, shared.name, p_login);"
  "  END LOOP;"
  /* The prospect file (schema 11): every member writes it; the
   * policies give a rep's login its own rows only. */
  "  IF to_regclass ('prospectd.prospects') IS NOT NULL THEN"
  "    EXECUTE format ('GRANT INSERT, UPDATE, DELETE ON prospectd.prospects, prospectd.prospect_attributes,"
  "                     prospectd.prospect_sources, prospectd.calls TO %I', p_login);"
  "  END IF;"
  "  IF member_rep IS NULL THEN"
  "    EXECUTE format ('GRANT INSERT, UPDATE, DELETE ON prospectd.campaigns, prospectd.activity,"
  "                     prospectd.feed_tokens, prospectd.notifications, prospectd.rep_starts TO %I', p_login);"
  "  ELSE"
  "    EXECUTE format ('GRANT INSERT (id, name, first_seen), UPDATE (name) ON prospectd.campaigns TO %I',"
  "                    p_login);"
  "    EXECUTE format ('GRANT INSERT (campaign, rep, date, contacts, prospects, active, latent, arid,"
  "                     proposals, deals, revenue_cents, note, created), UPDATE (campaign, rep, date,"
  "                     contacts, prospects, active, latent, arid, proposals, deals, revenue_cents, note),"
  "                     DELETE ON prospectd.activity TO %I', p_login);"
  "    EXECUTE format ('GRANT INSERT (campaign, rep, token, created), UPDATE (token, created)"
  "                     ON prospectd.feed_tokens TO %I', p_login);"
  "  END IF;"
  "END $$;",

  /* No function for PUBLIC; team_apply() gives a login team_rep() and
   * team_manager(), which the policies call. Every trigger function runs
   * as the owner: it writes what follows from the row that passed the
   * policies (the per-day sums, the change marks), and nothing else can
   * call it. */
  "REVOKE ALL ON ALL FUNCTIONS IN SCHEMA prospectd FROM PUBLIC;"
  "DO $$"
  "DECLARE"
  "  f regprocedure;"
  "BEGIN"
  "  FOR f IN SELECT oid FROM pg_proc WHERE pronamespace = 'prospectd'::regnamespace"
  "      AND prorettype = 'trigger'::regtype LOOP"
  "    EXECUTE format ('ALTER FUNCTION %s SECURITY DEFINER', f);"
  "  END LOOP;"
  "END $$;"
  "DO $$"
  "DECLARE"
  "  t text;"
  "BEGIN"
  "  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'prospectd' LOOP"
  "    EXECUTE format ('ALTER TABLE prospectd.%I ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', t);"
  "    EXECUTE format ('DROP POLICY IF EXISTS team_rows ON prospectd.%I', t);"
  "    EXECUTE format ('DROP POLICY IF EXISTS own_rows ON prospectd.%I', t);"
  "    IF t IN ('prospect_attributes', 'prospect_sources') THEN"
  /* Rows of a prospect the login sees (the prospects' own policy). */
  "      EXECUTE format ('CREATE POLICY own_rows ON prospectd.%I"
  "        USING (EXISTS (SELECT 1 FROM prospectd.prospects p WHERE p.id = prospect))"
  "        WITH CHECK (EXISTS (SELECT 1 FROM prospectd.prospects p WHERE p.id = prospect))', t);"
  "    ELSIF t IN ('activity', 'feed_tokens', 'prospects', 'calls') THEN"
  "      EXECUTE format ('CREATE POLICY own_rows ON prospectd.%I"
  "        USING ((SELECT prospectd.team_manager ()) OR rep = (SELECT prospectd.team_rep ()))"
  "        WITH CHECK ((SELECT prospectd.team_manager ()) OR rep = (SELECT prospectd.team_rep ()))', t);"
  "    ELSE"
  "      EXECUTE format ('CREATE POLICY team_rows ON prospectd.%I USING (true) WITH CHECK (true)', t);"
  "    END IF;"
  "  END LOOP;"
  "END $$;"
  /* Tables a new version added: every login's privileges again. */
  "SELECT prospectd.team_apply (login) FROM prospectd.team;",
};

gboolean
pg_team_secure (PgStore *pg, GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (security); i++)
    if (!pg_exec (pg, security[i], error))
      {
        g_prefix_error (error, _("Cannot set the team's privileges: "));
        return FALSE;
      }
  return TRUE;
}

/* ------------------------------------------------------------- members */

gboolean
store_pg_team_whoami (PgStore *pg, char **ret_login, char **ret_rep, gboolean *ret_owner, GError **error)
{
  g_autoptr (PGresult) result =
    pg_query (pg, "SELECT current_user, (SELECT rep FROM team WHERE login = current_user) AS rep,"
                  " pg_has_role ((SELECT nspowner FROM pg_namespace WHERE nspname = 'prospectd'), 'USAGE'),"
                  " (SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'prospectd')",
              0, NULL, error);

  if (result == NULL)
    return FALSE;
  if (ret_login != NULL)
    *ret_login = g_strdup (pg_text (result, 0, 0));
  if (ret_rep != NULL)
    {
      /* The owner (and a superuser) act for everyone, a row or not. */
      gboolean owner = g_str_equal (PQgetvalue (result, 0, 2), "t");
      *ret_rep = owner ? NULL : g_strdup (pg_text (result, 0, 1));
    }
  if (ret_owner != NULL)
    *ret_owner = g_str_equal (PQgetvalue (result, 0, 2), "t");
  return TRUE;
}

/* Refuses a login that is not the schema's owner; `what` says what it
 * tried. */
static gboolean
require_owner (PgStore *pg, GError **error)
{
  g_autoptr (PGresult) result =
    pg_query (pg, "SELECT pg_has_role (nspowner, 'USAGE'), nspowner::regrole::text, current_user"
                  " FROM pg_namespace WHERE nspname = 'prospectd'",
              0, NULL, error);

  if (result == NULL)
    return FALSE;
  if (PQntuples (result) != 1 || !g_str_equal (PQgetvalue (result, 0, 0), "t"))
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_IO,
                   _("only the database's owner (%s) may grant or revoke logins; %s is not"),
                   PQntuples (result) == 1 ? PQgetvalue (result, 0, 1) : "?",
                   PQntuples (result) == 1 ? PQgetvalue (result, 0, 2) : "?");
      return FALSE;
    }
  return TRUE;
}

typedef struct {
  const char *login;
  const char *rep;      /* NULL: a manager */
  gboolean revoke;
  gboolean was_member;  /* revoke: the login had a row */
} Change;

static gboolean
change_body (PgStore *pg, gpointer data, GError **error)
{
  Change *c = data;
  const char *values[2] = { c->login, c->rep };
  g_autoptr (PGresult) role = NULL, written = NULL, applied = NULL;

  if (!require_owner (pg, error))
    return FALSE;
  role = pg_query (pg, "SELECT rolsuper, rolname = current_user FROM pg_roles WHERE rolname = $1", 1, values,
                   error);
  if (role == NULL)
    return FALSE;
  if (!c->revoke && PQntuples (role) == 0)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                   _("%s: no such login on the server: create it first (CREATE ROLE %s LOGIN PASSWORD '...',"
                     " or createuser --pwprompt %s)"),
                   c->login, c->login, c->login);
      return FALSE;
    }
  if (!c->revoke && (g_str_equal (PQgetvalue (role, 0, 0), "t") || g_str_equal (PQgetvalue (role, 0, 1), "t")))
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                   _("%s: the database's owner or a superuser, who may do everything already; grant another"
                     " login"),
                   c->login);
      return FALSE;
    }
  if (c->revoke)
    written = pg_query (pg, "DELETE FROM team WHERE login = $1", 1, values, error);
  else
    written = pg_query (pg, "INSERT INTO team (login, rep) VALUES ($1, $2)"
                            " ON CONFLICT (login) DO UPDATE SET rep = excluded.rep",
                        2, values, error);
  if (written == NULL)
    return FALSE;
  c->was_member = g_str_equal (PQcmdTuples (written), "1");
  if (c->revoke && !c->was_member)
    return TRUE; /* nothing to take away: the caller says so */
  /* A login removed from the server since: its row goes, nothing to revoke. */
  if (PQntuples (role) == 0)
    return TRUE;
  applied = pg_query (pg, "SELECT team_apply ($1)", 1, values, error);
  return applied != NULL;
}

gboolean
store_pg_team_grant (PgStore *pg, const char *login, const char *rep, GError **error)
{
  Change c = { login, rep, FALSE, FALSE };

  return pg_transaction (pg, PG_WRITE, change_body, &c, error);
}

gboolean
store_pg_team_revoke (PgStore *pg, const char *login, gboolean *ret_was_member, GError **error)
{
  Change c = { login, NULL, TRUE, FALSE };

  if (!pg_transaction (pg, PG_WRITE, change_body, &c, error))
    return FALSE;
  *ret_was_member = c.was_member;
  return TRUE;
}

GPtrArray *
store_pg_team_list (PgStore *pg, GError **error)
{
  g_autoptr (PGresult) result = pg_query (pg, "SELECT login, rep FROM team ORDER BY login", 0, NULL, error);
  GPtrArray *members;

  if (result == NULL)
    return NULL;
  members = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_team_member_free);
  for (int row = 0; row < PQntuples (result); row++)
    {
      PdTeamMember *m = g_new0 (PdTeamMember, 1);

      m->login = g_strdup (pg_text (result, row, 0));
      m->rep = g_strdup (pg_text (result, row, 1));
      g_ptr_array_add (members, m);
    }
  return members;
}
