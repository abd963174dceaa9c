/* SPDX-License-Identifier: MIT
 *
 * prospectctl team: a team's PostgreSQL database. `init`, run by the
 * database's owner, creates the schema prospectd or upgrades it to this
 * prospectctl's version (under the schema's advisory lock, as any first
 * open by the owner does: docs/storage.md) and says which it did. An
 * SQLite file needs no such step: refused.
 */
#define G_LOG_DOMAIN "prospectctl"

#include <inttypes.h>
#include <stdio.h>
#include <glib/gi18n.h>

#include "ctl.h"

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
    return pd_ctl_error (PD_EXIT_USAGE, _("team: say what to do: init"));
  if (g_str_equal (argv[0], "init"))
    {
      if (argc > 1)
        return pd_ctl_error (PD_EXIT_USAGE, _("team init: unexpected argument '%s'"), argv[1]);
      return init (ctl);
    }
  return pd_ctl_error (PD_EXIT_USAGE, _("team: unknown action '%s' (expected init)"), argv[0]);
}

const PdVerb pd_ctl_verb_team = {
  "team", "init", N_("Create or upgrade a team's PostgreSQL database (its owner)"), NULL, run,
};
