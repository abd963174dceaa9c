/* SPDX-License-Identifier: MIT
 *
 * store-pg-schema: the PostgreSQL schema `prospectd` and its migrations.
 * Owns the SQL text of every table, index, function and trigger, and the
 * one function that brings a database to PD_STORE_SCHEMA_VERSION.
 *
 * Versions share the SQLite backend's numbering (PD_STORE_SCHEMA_VERSION),
 * kept in prospectd.meta under 'schema_version'. PostgreSQL support began
 * at version 8: an empty database gets version 8's schema in one step,
 * and every later version is one more step appended below (never edited
 * once released), the same change as the SQLite step of that number.
 *
 * An upgrade is one transaction under pg_advisory_xact_lock (PG_SCHEMA_LOCK)
 * that reads the version again once it holds the lock: of two processes
 * opening an old database at once, one upgrades it while the other waits
 * for the lock, then finds the new version and changes nothing.
 *
 * The text columns compare and sort by bytes (COLLATE "C"), as SQLite's
 * do: every ordering the header promises ("by rep, byte order") is the
 * same on both backends, whatever the database's locale.
 */
#define G_LOG_DOMAIN "prospectd-store"

#include "store-pg-private.h"
#include "prospectd/token.h"

#include <string.h>

/* The version PostgreSQL support starts at: step 0 creates it. */
#define PG_FIRST_VERSION 8

#define DAY_SUM_COLUMNS \
  "  entries bigint NOT NULL CHECK (entries >= 0)," \
  "  contacts bigint NOT NULL CHECK (contacts >= 0)," \
  "  prospects bigint NOT NULL CHECK (prospects >= 0)," \
  "  active bigint NOT NULL CHECK (active >= 0)," \
  "  latent bigint NOT NULL CHECK (latent >= 0)," \
  "  arid bigint NOT NULL CHECK (arid >= 0)," \
  "  proposals bigint NOT NULL CHECK (proposals >= 0)," \
  "  deals bigint NOT NULL CHECK (deals >= 0)," \
  "  revenue_cents bigint NOT NULL CHECK (revenue_cents >= 0),"
#define DAY_SUMS_ADD \
  "      entries = s.entries + excluded.entries, contacts = s.contacts + excluded.contacts," \
  "      prospects = s.prospects + excluded.prospects, active = s.active + excluded.active," \
  "      latent = s.latent + excluded.latent, arid = s.arid + excluded.arid," \
  "      proposals = s.proposals + excluded.proposals, deals = s.deals + excluded.deals," \
  "      revenue_cents = s.revenue_cents + excluded.revenue_cents"
#define DAY_SUMS_TAKE \
  "      entries = entries + p_entries, contacts = contacts + p_contacts," \
  "      prospects = prospects + p_prospects, active = active + p_active," \
  "      latent = latent + p_latent, arid = arid + p_arid," \
  "      proposals = proposals + p_proposals, deals = deals + p_deals," \
  "      revenue_cents = revenue_cents + p_revenue_cents"

/* Migration steps: step 0 creates version PG_FIRST_VERSION, step i
 * (i >= 1) brings PG_FIRST_VERSION + i - 1 to PG_FIRST_VERSION + i, each by
 * running its texts in order. Append, never edit. */
#define MIGRATION_TEXTS 4
static const char *const migrations[][MIGRATION_TEXTS] = {
  /* 0 -> 8: everything SQLite's steps 1 to 8 built, at once. */
  { "CREATE SCHEMA IF NOT EXISTS prospectd;"
    "CREATE TABLE prospectd.meta ("
    "  key text COLLATE \"C\" PRIMARY KEY,"
    "  value text NOT NULL"
    ");"
    /* The change counter: one row, incremented by every write
     * transaction (pd_store_data_version()). */
    "CREATE TABLE prospectd.changes ("
    "  one boolean PRIMARY KEY DEFAULT true CHECK (one),"
    "  counter bigint NOT NULL"
    ");"
    "INSERT INTO prospectd.changes (counter) VALUES (0);"
    "CREATE TABLE prospectd.campaigns ("
    "  id text COLLATE \"C\" PRIMARY KEY CHECK (id <> ''),"
    "  name text NOT NULL,"
    "  first_seen bigint NOT NULL"
    ");"
    "CREATE TABLE prospectd.activity ("
    "  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    "  campaign text COLLATE \"C\" NOT NULL REFERENCES prospectd.campaigns (id) ON DELETE CASCADE,"
    "  rep text COLLATE \"C\" NOT NULL CHECK (rep <> ''),"
    "  date date NOT NULL,"
    "  contacts bigint NOT NULL DEFAULT 0 CHECK (contacts >= 0),"
    "  prospects bigint NOT NULL DEFAULT 0 CHECK (prospects >= 0),"
    "  active bigint NOT NULL DEFAULT 0 CHECK (active >= 0),"
    "  latent bigint NOT NULL DEFAULT 0 CHECK (latent >= 0),"
    "  arid bigint NOT NULL DEFAULT 0 CHECK (arid >= 0),"
    "  proposals bigint NOT NULL DEFAULT 0 CHECK (proposals >= 0),"
    "  deals bigint NOT NULL DEFAULT 0 CHECK (deals >= 0),"
    "  revenue_cents bigint NOT NULL DEFAULT 0 CHECK (revenue_cents >= 0),"
    "  note text,"
    "  created bigint NOT NULL"
    ");"
    "CREATE INDEX activity_by_day ON prospectd.activity (campaign, rep, date);"
    "CREATE INDEX activity_by_date ON prospectd.activity (campaign, date, id);"
    "CREATE TABLE prospectd.notifications ("
    "  campaign text COLLATE \"C\" NOT NULL,"
    "  key text COLLATE \"C\" NOT NULL CHECK (key <> ''),"
    "  sent_at bigint NOT NULL,"
    "  PRIMARY KEY (campaign, key)"
    ");",

    "CREATE TABLE prospectd.revisions ("
    "  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    "  campaign text COLLATE \"C\" NOT NULL REFERENCES prospectd.campaigns (id) ON DELETE CASCADE,"
    "  kind text NOT NULL CHECK (kind IN ('baseline', 'catchup')),"
    "  as_of date NOT NULL,"
    "  created bigint NOT NULL"
    ");"
    "CREATE INDEX revisions_by_campaign ON prospectd.revisions (campaign, kind, id);"
    "CREATE TABLE prospectd.revision_days ("
    "  revision bigint NOT NULL REFERENCES prospectd.revisions (id) ON DELETE CASCADE,"
    "  rep text COLLATE \"C\" NOT NULL CHECK (rep <> ''),"
    "  date date NOT NULL,"
    "  contacts bigint NOT NULL CHECK (contacts >= 0),"
    "  base bigint CHECK (base IS NULL OR base >= 0),"
    "  PRIMARY KEY (revision, rep, date)"
    ");"
    "CREATE TABLE prospectd.feed_tokens ("
    "  campaign text COLLATE \"C\" NOT NULL REFERENCES prospectd.campaigns (id) ON DELETE CASCADE,"
    "  rep text COLLATE \"C\" NOT NULL CHECK (rep <> ''),"
    "  token text NOT NULL,"
    "  created bigint NOT NULL,"
    "  PRIMARY KEY (campaign, rep)"
    ");"
    "CREATE TABLE prospectd.rep_starts ("
    "  campaign text COLLATE \"C\" NOT NULL REFERENCES prospectd.campaigns (id) ON DELETE CASCADE,"
    "  rep text COLLATE \"C\" NOT NULL,"
    "  first_seen date NOT NULL,"
    "  PRIMARY KEY (campaign, rep)"
    ");"
    /* The per-day sums of SQLite's step 4: derived data that a trigger
     * on activity keeps, a row while at least one entry exists. A sum
     * beyond 64 bits fails the write ("bigint out of range"). */
    "CREATE TABLE prospectd.activity_days ("
    "  campaign text COLLATE \"C\" NOT NULL,"
    "  rep text COLLATE \"C\" NOT NULL,"
    "  date date NOT NULL,"
    DAY_SUM_COLUMNS
    "  PRIMARY KEY (campaign, rep, date)"
    ");"
    "CREATE TABLE prospectd.activity_team_days ("
    "  campaign text COLLATE \"C\" NOT NULL,"
    "  date date NOT NULL,"
    DAY_SUM_COLUMNS
    "  PRIMARY KEY (campaign, date)"
    ");",

    /* One change (an entry in: entries 1 and its counts; out: -1 and
     * minus its counts) added to both tables. An addition makes the day's
     * row if needed; a removal updates it and deletes it once its entries
     * fall to 0 (a negative row would fail the CHECKs before any
     * conflict could be seen, hence no upsert for it). */
    "CREATE FUNCTION prospectd.apply_day_change (p_campaign text, p_rep text, p_date date,"
    "    p_entries bigint, p_contacts bigint, p_prospects bigint, p_active bigint, p_latent bigint,"
    "    p_arid bigint, p_proposals bigint, p_deals bigint, p_revenue_cents bigint)"
    "  RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, prospectd, pg_temp AS $$"
    "BEGIN"
    "  IF p_entries > 0 THEN"
    "    INSERT INTO activity_days AS s VALUES (p_campaign, p_rep, p_date, p_entries, p_contacts,"
    "        p_prospects, p_active, p_latent, p_arid, p_proposals, p_deals, p_revenue_cents)"
    "      ON CONFLICT (campaign, rep, date) DO UPDATE SET"
    DAY_SUMS_ADD ";"
    "    INSERT INTO activity_team_days AS s VALUES (p_campaign, p_date, p_entries, p_contacts,"
    "        p_prospects, p_active, p_latent, p_arid, p_proposals, p_deals, p_revenue_cents)"
    "      ON CONFLICT (campaign, date) DO UPDATE SET"
    DAY_SUMS_ADD ";"
    "  ELSE"
    "    UPDATE activity_days SET"
    DAY_SUMS_TAKE
    "      WHERE campaign = p_campaign AND rep = p_rep AND date = p_date;"
    "    DELETE FROM activity_days"
    "      WHERE campaign = p_campaign AND rep = p_rep AND date = p_date AND entries = 0;"
    "    UPDATE activity_team_days SET"
    DAY_SUMS_TAKE
    "      WHERE campaign = p_campaign AND date = p_date;"
    "    DELETE FROM activity_team_days"
    "      WHERE campaign = p_campaign AND date = p_date AND entries = 0;"
    "  END IF;"
    "END $$;",

    /* An update takes the old values out before putting the new ones in,
     * so that a change of campaign, rep or date moves the sums. */
    "CREATE FUNCTION prospectd.activity_days_trigger () RETURNS trigger"
    "  LANGUAGE plpgsql SET search_path = pg_catalog, prospectd, pg_temp AS $$"
    "BEGIN"
    "  IF TG_OP IN ('DELETE', 'UPDATE') THEN"
    "    PERFORM apply_day_change (OLD.campaign, OLD.rep, OLD.date, -1, -OLD.contacts,"
    "      -OLD.prospects, -OLD.active, -OLD.latent, -OLD.arid, -OLD.proposals, -OLD.deals,"
    "      -OLD.revenue_cents);"
    "  END IF;"
    "  IF TG_OP IN ('INSERT', 'UPDATE') THEN"
    "    PERFORM apply_day_change (NEW.campaign, NEW.rep, NEW.date, 1, NEW.contacts,"
    "      NEW.prospects, NEW.active, NEW.latent, NEW.arid, NEW.proposals, NEW.deals,"
    "      NEW.revenue_cents);"
    "  END IF;"
    "  RETURN NULL;"
    "END $$;"
    "CREATE TRIGGER activity_days AFTER INSERT OR DELETE OR UPDATE OF campaign, rep, date,"
    "    contacts, prospects, active, latent, arid, proposals, deals, revenue_cents"
    "  ON prospectd.activity FOR EACH ROW EXECUTE FUNCTION prospectd.activity_days_trigger ();" },
};

G_STATIC_ASSERT (PG_FIRST_VERSION + G_N_ELEMENTS (migrations) - 1 == PD_STORE_SCHEMA_VERSION);

/* ------------------------------------------------------------ migrate */

/* The schema's version: 0 when there is no prospectd.meta (no schema). */
static gboolean
read_version (PgStore *pg, gint64 *ret_version, GError **error)
{
  g_autoptr (PGresult) exists = pg_query (pg, "SELECT to_regclass ('prospectd.meta') IS NOT NULL", 0, NULL, error);
  g_autoptr (PGresult) result = NULL;
  const char *text;
  char *end = NULL;

  if (exists == NULL)
    return FALSE;
  if (g_str_equal (PQgetvalue (exists, 0, 0), "f"))
    {
      *ret_version = 0;
      return TRUE;
    }
  result = pg_query (pg, "SELECT value FROM prospectd.meta WHERE key = 'schema_version'", 0, NULL, error);
  if (result == NULL)
    return FALSE;
  text = PQntuples (result) == 1 ? PQgetvalue (result, 0, 0) : "";
  *ret_version = g_ascii_strtoll (text, &end, 10);
  if (*text == '\0' || *end != '\0' || *ret_version < PG_FIRST_VERSION)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_CORRUPT,
                   _("the schema prospectd has no valid version ('%s'): not a prospectd database"), text);
      return FALSE;
    }
  return TRUE;
}

typedef struct {
  gint64 version;  /* as found under the lock */
} Upgrade;

static gboolean
upgrade (PgStore *pg, gpointer data, GError **error)
{
  Upgrade *u = data;
  g_autoptr (PGresult) locked = pg_query (pg, "SELECT pg_advisory_xact_lock (" PG_SCHEMA_LOCK ")", 0, NULL, error);
  gint64 version;

  if (locked == NULL || !read_version (pg, &u->version, error))
    return FALSE;
  if (u->version > PD_STORE_SCHEMA_VERSION)
    return TRUE; /* newer since: said by the caller */
  for (version = u->version; version < PD_STORE_SCHEMA_VERSION;)
    {
      gsize step = version == 0 ? 0 : (gsize) (version - PG_FIRST_VERSION + 1);
      gint64 next = version == 0 ? PG_FIRST_VERSION : version + 1;
      char next_text[INT_TEXT_SIZE];
      const char *values[1] = { int_text (next, next_text) };
      g_autoptr (PGresult) bumped = NULL;

      for (guint i = 0; i < MIGRATION_TEXTS && migrations[step][i] != NULL; i++)
        if (!pg_exec (pg, migrations[step][i], error))
          goto failed;
      if (version == 0)
        {
          /* The database's id: 128 bits of the kernel's randomness. */
          g_autofree char *token = pd_token_new (error);
          const char *id[1] = { token };
          g_autoptr (PGresult) inserted = NULL;

          if (token == NULL)
            goto failed;
          token[32] = '\0';
          inserted = pg_query (pg, "INSERT INTO prospectd.meta (key, value) VALUES ('database_id', $1),"
                                   " ('schema_version', '0')",
                               1, id, error);
          if (inserted == NULL)
            goto failed;
        }
      bumped = pg_query (pg, "UPDATE prospectd.meta SET value = $1 WHERE key = 'schema_version'", 1, values,
                         error);
      if (bumped == NULL)
        goto failed;
      version = next;
      continue;
failed:
      g_prefix_error (error, _("Upgrade to schema version %" G_GINT64_FORMAT " failed: "), next);
      return FALSE;
    }
  return TRUE;
}

gboolean
pg_migrate (PgStore *pg, gboolean *ret_missing, GError **error)
{
  Upgrade u = { 0 };
  gint64 version;

  if (!read_version (pg, &version, error))
    return FALSE;
  *ret_missing = version == 0;
  if (version < PD_STORE_SCHEMA_VERSION)
    {
      g_autoptr (GError) local_error = NULL;

      if (!pg_transaction (pg, PG_SCHEMA, upgrade, &u, &local_error))
        {
          if (g_str_equal (pg->sqlstate, "42501"))
            {
              /* A rep's login: the owner creates and upgrades the schema. */
              g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_IO,
                           _("the schema prospectd is at version %" G_GINT64_FORMAT
                             " and this prospectd needs %d; only the database's owner may create or"
                             " upgrade it (prospectctl team init): %s"),
                           version, PD_STORE_SCHEMA_VERSION, local_error->message);
              return FALSE;
            }
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      version = MAX (u.version, PD_STORE_SCHEMA_VERSION);
    }
  if (version > PD_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_VERSION,
                   _("Schema version %" G_GINT64_FORMAT " is not supported (this prospectd knows up to %d)"),
                   version, PD_STORE_SCHEMA_VERSION);
      return FALSE;
    }
  return TRUE;
}
