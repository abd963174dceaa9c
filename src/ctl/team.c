/* SPDX-License-Identifier: MIT
 *
 * prospectctl team: a team's PostgreSQL database. `init`, run by the
 * database's owner, creates the schema prospectd or upgrades it to this
 * prospectctl's version (under the schema's advisory lock, as any first
 * open by the owner does: docs/storage.md) and says which it did. `grant
 * LOGIN --rep REP` makes the server's login LOGIN a rep's (only REP's
 * entries and feed token, the team's daily sums), `grant LOGIN --manager`
 * a manager's (everything), `revoke LOGIN` takes its rights away, `list`
 * shows the team; run by the owner too, and enforced by the server
 * (include/prospectd/team.h). An SQLite file has no team: refused.
 */
#define G_LOG_DOMAIN "prospectctl"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "ctl.h"
#include "prospectd/team.h"

static char *opt_rep;
static gboolean opt_manager;

static GOptionEntry entries[] = {
  { "rep", 0, 0, G_OPTION_ARG_STRING, &opt_rep, N_("grant: the rep the login acts as"), N_("REP") },
  { "manager", 0, 0, G_OPTION_ARG_NONE, &opt_manager, N_("grant: a manager's login (reads and writes everything)"),
    NULL },
  G_OPTION_ENTRY_NULL
};

/* A store error: bad input (exit 2) or a refusal, a failure (exit 1). */
static int
fail (const GError *error)
{
  return pd_ctl_error (g_error_matches (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID) ? PD_EXIT_USAGE
                                                                                      : PD_EXIT_FAILURE,
                       "%s", error->message);
}

static int
grant (PdCtl *ctl, const char *login)
{
  g_autoptr (PdStore) store = NULL;
  g_autoptr (GError) error = NULL;
  int status;

  if (opt_rep == NULL && !opt_manager)
    return pd_ctl_error (PD_EXIT_USAGE, _("team grant %s: say what the login is: --rep REP or --manager"), login);
  if (opt_rep != NULL && opt_manager)
    return pd_ctl_error (PD_EXIT_USAGE, _("team grant %s: --rep and --manager exclude each other"), login);
  if (opt_rep != NULL && *opt_rep == '\0')
    return pd_ctl_error (PD_EXIT_USAGE, _("--rep: expected a rep's name, not an empty one"));
  pd_ctl_canonical_rep (&opt_rep);
  if ((status = pd_ctl_open_store (ctl, &store)) != PD_EXIT_OK)
    return status;
  if (!pd_team_grant (store, login, opt_rep, &error))
    return fail (error);
  if (opt_rep != NULL)
    printf (_("%s: a rep's login, acting as %s: only %s's entries and feed token, and the team's daily sums\n"),
            login, opt_rep, opt_rep);
  else
    printf (_("%s: a manager's login: reads and writes everything\n"), login);
  return PD_EXIT_OK;
}

static int
revoke_login (PdCtl *ctl, const char *login)
{
  g_autoptr (PdStore) store = NULL;
  g_autoptr (GError) error = NULL;
  gboolean was_member = FALSE;
  int status;

  if (opt_rep != NULL || opt_manager)
    return pd_ctl_error (PD_EXIT_USAGE, _("team revoke %s: takes neither --rep nor --manager"), login);
  if ((status = pd_ctl_open_store (ctl, &store)) != PD_EXIT_OK)
    return status;
  if (!pd_team_revoke (store, login, &was_member, &error))
    return fail (error);
  if (!was_member)
    return pd_ctl_error (PD_EXIT_USAGE, _("team revoke %s: not on the team (prospectctl team list); nothing changed"),
                         login);
  printf (_("%s: no longer on the team\n"), login);
  return PD_EXIT_OK;
}

static int
list (PdCtl *ctl)
{
  g_autoptr (PdStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) members = NULL;
  int status;
  int width = (int) strlen (_("LOGIN"));

  if ((status = pd_ctl_open_store (ctl, &store)) != PD_EXIT_OK)
    return status;
  members = pd_team_list (store, &error);
  if (members == NULL)
    return fail (error);
  if (members->len == 0)
    {
      printf (_("no login on the team yet (prospectctl team grant LOGIN --rep REP)\n"));
      return PD_EXIT_OK;
    }
  for (guint i = 0; i < members->len; i++)
    width = MAX (width, (int) g_utf8_strlen (((PdTeamMember *) g_ptr_array_index (members, i))->login, -1));
  printf ("%s%*s  %s\n", _("LOGIN"), width - (int) g_utf8_strlen (_("LOGIN"), -1), "", _("ACTS AS"));
  for (guint i = 0; i < members->len; i++)
    {
      const PdTeamMember *m = g_ptr_array_index (members, i);
      g_autofree char *role = m->rep != NULL ? g_strdup_printf (_("rep %s"), m->rep) : g_strdup (_("manager"));

      printf ("%s%*s  %s\n", m->login, width - (int) g_utf8_strlen (m->login, -1), "", role);
    }
  return PD_EXIT_OK;
}

static int
init (PdCtl *ctl)
{
  const char *name = ctl->db_path != NULL ? ctl->db_path : ctl->config->database;
  g_autofree char *shown = pd_store_display_name (name);
  g_autoptr (PdStore) store = NULL;
  gint64 found;
  int status;

  if (!pd_store_name_is_server (name))
    return pd_ctl_error (PD_EXIT_USAGE,
                         _("team init: the database '%s' is an SQLite file; a team's database is a PostgreSQL URI"
                           " (--db postgresql://… or [daemon] database)"),
                         shown);
  if ((status = pd_ctl_open_store (ctl, &store)) != PD_EXIT_OK)
    return status;
  found = pd_store_schema_found (store);
  if (found == 0)
    printf (_("%s: schema prospectd created (version %d)\n"), shown, PD_STORE_SCHEMA_VERSION);
  else if (found < PD_STORE_SCHEMA_VERSION)
    printf (_("%s: schema prospectd upgraded from version %" PRId64 " to %d\n"), shown, found,
            PD_STORE_SCHEMA_VERSION);
  else
    printf (_("%s: schema prospectd already at version %d\n"), shown, PD_STORE_SCHEMA_VERSION);
  return PD_EXIT_OK;
}

static int
run (PdCtl *ctl, int argc, char **argv)
{
  if (argc < 1)
    return pd_ctl_error (PD_EXIT_USAGE, _("team: say what to do: init, grant LOGIN, revoke LOGIN or list"));
  if (g_str_equal (argv[0], "init"))
    {
      if (argc > 1)
        return pd_ctl_error (PD_EXIT_USAGE, _("team init: unexpected argument '%s'"), argv[1]);
      return init (ctl);
    }
  if (g_str_equal (argv[0], "grant") || g_str_equal (argv[0], "revoke"))
    {
      if (argc != 2 || *argv[1] == '\0')
        return pd_ctl_error (PD_EXIT_USAGE, _("team %s: expected one login (the server's role), e.g. team %s alice"),
                             argv[0], argv[0]);
      return g_str_equal (argv[0], "grant") ? grant (ctl, argv[1]) : revoke_login (ctl, argv[1]);
    }
  if (g_str_equal (argv[0], "list"))
    {
      if (argc != 1)
        return pd_ctl_error (PD_EXIT_USAGE, _("team list: takes no argument (got %s)"), argv[1]);
      return list (ctl);
    }
  return pd_ctl_error (PD_EXIT_USAGE, _("team: unknown action '%s' (expected init, grant, revoke or list)"), argv[0]);
}

const PdVerb pd_ctl_verb_team = {
  "team", "init|grant|revoke|list", N_("Manage a team's PostgreSQL database: its schema and logins"), entries, run,
};
