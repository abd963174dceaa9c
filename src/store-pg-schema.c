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
 * An upgrade is one transaction under an advisory lock (PG_SCHEMA_LOCK)
 * that reads the version again once it holds the lock: of two processes
 * opening an old database at once, one upgrades it while the other waits
 * for the lock, then finds the new version and changes nothing. The lock
 * is the session's (pg_advisory_lock), taken before the transaction
 * begins and released after it ends: a transaction that began before the
 * wait would look the schema up in catalog caches of before the wait, and
 * find missing what the other process has just created. (The dry run's
 * copy, already inside its transaction, takes pg_advisory_xact_lock.)
 *
 * The text columns compare and sort by bytes (COLLATE "C"), as SQLite's
 * do: every ordering the header promises ("by rep, byte order") is the
 * same on both backends, whatever the database's locale.
 */
#define G_LOG_DOMAIN "prospectd-store"

#include "store-pg-private.h"
#include "prospectd/token.h"
#include "store-pg-team.h"

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

/* The figures one call adds to its rep's day (SQLite's CALL_FIGURES, in
 * src/store-schema.c, says which), from apply_call()'s parameters. */
#define CALL_FIGURES \
  "p_sign, p_sign," \
  "p_sign * (CASE WHEN p_before IN ('new', 'attempted') AND p_outcome <> 'no-answer' THEN 1 ELSE 0 END)," \
  "p_sign * (CASE WHEN p_after = 'active' AND p_before <> 'active' THEN 1 ELSE 0 END)," \
  "p_sign * (CASE WHEN p_after = 'latent' AND p_before <> 'latent' THEN 1 ELSE 0 END)," \
  "p_sign * (CASE WHEN p_after = 'arid' AND p_before <> 'arid' THEN 1 ELSE 0 END)," \
  "p_sign * (CASE WHEN p_after = 'proposal' AND p_before <> 'proposal' THEN 1 ELSE 0 END)," \
  "p_sign * (CASE WHEN p_outcome = 'won' THEN 1 ELSE 0 END)," \
  "p_sign * (CASE WHEN p_outcome = 'won' THEN p_revenue ELSE 0 END)"

/* A change of one part of a rep's day (table T: log_days or call_days),
 * then the day recomputed: the body of apply_day_change() and
 * apply_call_day_change(). */
#define DAY_PART_CHANGE(T) \
  "BEGIN" \
  "  IF p_entries > 0 THEN" \
  "    INSERT INTO " T " AS s VALUES (p_campaign, p_rep, p_date, p_entries, p_contacts," \
  "        p_prospects, p_active, p_latent, p_arid, p_proposals, p_deals, p_revenue_cents)" \
  "      ON CONFLICT (campaign, rep, date) DO UPDATE SET" \
  DAY_SUMS_ADD ";" \
  "  ELSE" \
  "    UPDATE " T " SET" \
  DAY_SUMS_TAKE \
  "      WHERE campaign = p_campaign AND rep = p_rep AND date = p_date;" \
  "    DELETE FROM " T \
  "      WHERE campaign = p_campaign AND rep = p_rep AND date = p_date AND entries = 0;" \
  "  END IF;" \
  "  PERFORM recompute_day (p_campaign, p_rep, p_date);" \
  "END $$;"

#define DAY_CHANGE_PARAMETERS \
  "(p_campaign text, p_rep text, p_date date," \
  "    p_entries bigint, p_contacts bigint, p_prospects bigint, p_active bigint, p_latent bigint," \
  "    p_arid bigint, p_proposals bigint, p_deals bigint, p_revenue_cents bigint)" \
  "  RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, prospectd, pg_temp AS $$"

/* Schema 16's running sums (SQLite's RUNNING_* in src/store-schema.c
 * say what they hold): the figures one rep-day R adds, in column order. */
#define RUNNING_DAY_FIGURES(R) \
  R ".entries, " R ".contacts, " R ".prospects, " R ".active, " R ".latent, " R ".arid," \
  " " R ".proposals, " R ".deals, " R ".revenue_cents," \
  " CASE WHEN " R ".prospects > 0 AND " R ".active + " R ".latent + " R ".arid > 0 THEN " R ".active ELSE 0 END," \
  " CASE WHEN " R ".prospects > 0 AND " R ".active + " R ".latent + " R ".arid > 0 THEN " R ".prospects ELSE 0 END," \
  " CASE WHEN " R ".prospects > 0 AND " R ".contacts > 0 THEN " R ".contacts ELSE 0 END," \
  " CASE WHEN " R ".prospects > 0 AND " R ".contacts > 0 THEN " R ".prospects ELSE 0 END," \
  " CASE WHEN " R ".deals > 0 AND " R ".revenue_cents > 0 THEN " R ".deals ELSE 0 END," \
  " CASE WHEN " R ".deals > 0 AND " R ".revenue_cents > 0 THEN " R ".revenue_cents ELSE 0 END"
/* Step 17's statement triggers on table T (one event each: a trigger
 * with transition tables has one), KIND the argument of
 * prospect_changes_trigger(). */
#define PROSPECT_CHANGES_TRIGGER(T, EVENT, TABLES, KIND) \
  "CREATE TRIGGER prospect_changes_" EVENT " AFTER " EVENT " ON prospectd." T \
  "  REFERENCING " TABLES " FOR EACH STATEMENT EXECUTE FUNCTION prospectd.prospect_changes_trigger ('" KIND "');"
#define PROSPECT_CHANGES_TRIGGERS(T, KIND) \
  PROSPECT_CHANGES_TRIGGER (T, "delete", "OLD TABLE AS old_rows", KIND) \
  PROSPECT_CHANGES_TRIGGER (T, "update", "OLD TABLE AS old_rows NEW TABLE AS new_rows", KIND)

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
    "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
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
    "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
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

  /* 8 -> 9 (SQLite's step 9): the days of the latest catch-up in their
   * own table, by rep; the catch-ups before the latest go; a change mark
   * per rep, moved by a trigger on activity (the old and the new rep of
   * an update) past every mark before it. */
  { "CREATE TABLE prospectd.catchup_days ("
    "  campaign text COLLATE \"C\" NOT NULL REFERENCES prospectd.campaigns (id) ON DELETE CASCADE,"
    "  rep text COLLATE \"C\" NOT NULL CHECK (rep <> ''),"
    "  date date NOT NULL,"
    "  contacts bigint NOT NULL CHECK (contacts >= 0),"
    "  base bigint CHECK (base IS NULL OR base >= 0),"
    "  PRIMARY KEY (campaign, rep, date)"
    ");"
    "INSERT INTO prospectd.catchup_days (campaign, rep, date, contacts, base)"
    "  SELECT r.campaign, d.rep, d.date, d.contacts, d.base"
    "  FROM prospectd.revision_days d JOIN prospectd.revisions r ON r.id = d.revision"
    "  WHERE r.kind = 'catchup' AND r.id = (SELECT max (id) FROM prospectd.revisions"
    "    WHERE campaign = r.campaign AND kind = 'catchup');"
    "DELETE FROM prospectd.revision_days WHERE revision IN"
    "  (SELECT id FROM prospectd.revisions WHERE kind = 'catchup');"
    "DELETE FROM prospectd.revisions WHERE kind = 'catchup' AND id < (SELECT max (id)"
    "  FROM prospectd.revisions AS later WHERE later.campaign = revisions.campaign"
    "  AND later.kind = 'catchup');"
    "CREATE TABLE prospectd.activity_changes ("
    "  campaign text COLLATE \"C\" NOT NULL,"
    "  rep text COLLATE \"C\" NOT NULL,"
    "  mark bigint NOT NULL,"
    "  PRIMARY KEY (campaign, rep)"
    ");"
    "CREATE INDEX activity_changes_by_mark ON prospectd.activity_changes (mark);",

    "CREATE FUNCTION prospectd.activity_changes_trigger () RETURNS trigger"
    "  LANGUAGE plpgsql SET search_path = pg_catalog, prospectd, pg_temp AS $$"
    "BEGIN"
    "  IF TG_OP IN ('DELETE', 'UPDATE') THEN"
    "    INSERT INTO activity_changes (campaign, rep, mark)"
    "      VALUES (OLD.campaign, OLD.rep, (SELECT coalesce (max (mark), 0) + 1 FROM activity_changes))"
    "      ON CONFLICT (campaign, rep) DO UPDATE SET mark = excluded.mark;"
    "  END IF;"
    "  IF TG_OP IN ('INSERT', 'UPDATE') THEN"
    "    INSERT INTO activity_changes (campaign, rep, mark)"
    "      VALUES (NEW.campaign, NEW.rep, (SELECT coalesce (max (mark), 0) + 1 FROM activity_changes))"
    "      ON CONFLICT (campaign, rep) DO UPDATE SET mark = excluded.mark;"
    "  END IF;"
    "  RETURN NULL;"
    "END $$;"
    "CREATE TRIGGER activity_changes AFTER INSERT OR DELETE OR UPDATE"
    "  ON prospectd.activity FOR EACH ROW EXECUTE FUNCTION prospectd.activity_changes_trigger ();" },

  /* 9 -> 10 (SQLite's step 10): several daemons on one database. A
   * notification is claimed per desktop (the rows of before, desktop '',
   * count for every desktop); a catch-up records the revision it was
   * computed from, unique per campaign and day. And the daemons learn of
   * changes without polling: a NOTIFY on channel prospectd, payload
   * "TABLE:CAMPAIGN", for what their evaluation reads (activity, the
   * revisions, the reps' first days), delivered at commit, once per
   * distinct payload of a transaction. */
  { "ALTER TABLE prospectd.notifications ADD COLUMN desktop text COLLATE \"C\" NOT NULL DEFAULT '';"
    "ALTER TABLE prospectd.notifications DROP CONSTRAINT notifications_pkey;"
    "ALTER TABLE prospectd.notifications ADD PRIMARY KEY (campaign, key, desktop);"
    "ALTER TABLE prospectd.revisions ADD COLUMN parent bigint;"
    "CREATE UNIQUE INDEX revisions_catchup_once ON prospectd.revisions (campaign, as_of, parent)"
    "  WHERE kind = 'catchup' AND parent IS NOT NULL;",

    "CREATE FUNCTION prospectd.notify_change () RETURNS trigger"
    "  LANGUAGE plpgsql SET search_path = pg_catalog, prospectd, pg_temp AS $$"
    "BEGIN"
    "  IF TG_OP IN ('DELETE', 'UPDATE') THEN"
    "    PERFORM pg_notify ('prospectd', TG_TABLE_NAME || ':' || OLD.campaign);"
    "  END IF;"
    "  IF TG_OP IN ('INSERT', 'UPDATE') THEN"
    "    PERFORM pg_notify ('prospectd', TG_TABLE_NAME || ':' || NEW.campaign);"
    "  END IF;"
    "  RETURN NULL;"
    "END $$;"
    "CREATE TRIGGER notify_change AFTER INSERT OR DELETE OR UPDATE"
    "  ON prospectd.activity FOR EACH ROW EXECUTE FUNCTION prospectd.notify_change ();"
    "CREATE TRIGGER notify_change AFTER INSERT"
    "  ON prospectd.revisions FOR EACH ROW EXECUTE FUNCTION prospectd.notify_change ();"
    "CREATE TRIGGER notify_change AFTER INSERT OR DELETE OR UPDATE"
    "  ON prospectd.catchup_days FOR EACH ROW EXECUTE FUNCTION prospectd.notify_change ();"
    "CREATE TRIGGER notify_change AFTER INSERT"
    "  ON prospectd.rep_starts FOR EACH ROW EXECUTE FUNCTION prospectd.notify_change ();" },

  /* 10 -> 11 (SQLite's step 11): the prospect file: prospects, their
   * attributes and sources, the calls made to them (a call outlives
   * its prospect: erased, prospect NULL and note NULL). Row-level
   * security (store-pg-team.c): a rep's login has its own prospects
   * and calls, and the attributes and sources of its prospects. */
  { "CREATE TABLE prospectd.prospects ("
    "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
    "  campaign text COLLATE \"C\" NOT NULL REFERENCES prospectd.campaigns (id) ON DELETE CASCADE,"
    "  rep text COLLATE \"C\" CHECK (rep IS NULL OR rep <> ''),"
    "  company text NOT NULL CHECK (company <> ''),"
    "  contact text, first_name text, phone text COLLATE \"C\", mobile text COLLATE \"C\", email text,"
    "  city text, postcode text COLLATE \"C\", sector text, size text, notes text,"
    "  state text NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'attempted', 'arid', 'latent',"
    "    'active', 'proposal', 'won', 'lost')),"
    "  attempts bigint NOT NULL DEFAULT 0 CHECK (attempts >= 0),"
    "  follow_up date,"
    "  spontaneous boolean NOT NULL DEFAULT false,"
    "  prescriber text COLLATE \"C\","
    "  recommended_by text COLLATE \"C\","
    "  import_order bigint NOT NULL,"
    "  created bigint NOT NULL"
    ");"
    "CREATE INDEX prospects_by_order ON prospectd.prospects (campaign, import_order);"
    "CREATE INDEX prospects_by_rep ON prospectd.prospects (campaign, rep, state);"
    "CREATE TABLE prospectd.prospect_attributes ("
    "  prospect bigint NOT NULL REFERENCES prospectd.prospects (id) ON DELETE CASCADE,"
    "  position integer NOT NULL,"
    "  name text NOT NULL,"
    "  value text NOT NULL,"
    "  PRIMARY KEY (prospect, position)"
    ");"
    "CREATE TABLE prospectd.prospect_sources ("
    "  prospect bigint NOT NULL REFERENCES prospectd.prospects (id) ON DELETE CASCADE,"
    "  source text COLLATE \"C\" NOT NULL CHECK (source <> ''),"
    "  line bigint NOT NULL CHECK (line >= 0),"
    "  PRIMARY KEY (prospect, source, line)"
    ");"
    "CREATE INDEX prospect_sources_by_source ON prospectd.prospect_sources (source, prospect);"
    "CREATE TABLE prospectd.calls ("
    "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
    "  campaign text COLLATE \"C\" NOT NULL REFERENCES prospectd.campaigns (id) ON DELETE CASCADE,"
    "  prospect bigint REFERENCES prospectd.prospects (id) ON DELETE SET NULL,"
    "  rep text COLLATE \"C\" NOT NULL CHECK (rep <> ''),"
    "  date date NOT NULL,"
    "  outcome text NOT NULL CHECK (outcome IN ('no-answer', 'arid', 'latent', 'active',"
    "    'proposal', 'won', 'lost')),"
    "  follow_up date,"
    "  revenue_cents bigint NOT NULL DEFAULT 0 CHECK (revenue_cents >= 0),"
    "  note text,"
    "  state_before text NOT NULL,"
    "  state_after text NOT NULL,"
    "  created bigint NOT NULL"
    ");"
    "CREATE INDEX calls_by_rep_date ON prospectd.calls (campaign, rep, date);"
    "CREATE INDEX calls_by_prospect ON prospectd.calls (prospect);" },

  /* 11 -> 12 (SQLite's step 12): the day counts derived from calls. The
   * entries' sums move to log_days, the calls' are kept in call_days,
   * and activity_days (with activity_team_days) holds the day as it
   * counts: figure by figure the larger of its two parts. */
  { "CREATE TABLE prospectd.log_days ("
    "  campaign text COLLATE \"C\" NOT NULL,"
    "  rep text COLLATE \"C\" NOT NULL,"
    "  date date NOT NULL,"
    DAY_SUM_COLUMNS
    "  PRIMARY KEY (campaign, rep, date)"
    ");"
    "CREATE TABLE prospectd.call_days ("
    "  campaign text COLLATE \"C\" NOT NULL,"
    "  rep text COLLATE \"C\" NOT NULL,"
    "  date date NOT NULL,"
    DAY_SUM_COLUMNS
    "  PRIMARY KEY (campaign, rep, date)"
    ");"
    "INSERT INTO prospectd.log_days SELECT campaign, rep, date, entries, contacts, prospects, active, latent,"
    "  arid, proposals, deals, revenue_cents FROM prospectd.activity_days;",

    /* The rep's day again from its parts: out of the team's day, back as
     * the larger of each figure, into the team's day. */
    "CREATE FUNCTION prospectd.recompute_day (p_campaign text, p_rep text, p_date date)"
    "  RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, prospectd, pg_temp AS $$"
    "DECLARE"
    "  was activity_days%ROWTYPE;"
    "  got activity_days%ROWTYPE;"
    "BEGIN"
    "  DELETE FROM activity_days WHERE campaign = p_campaign AND rep = p_rep AND date = p_date"
    "    RETURNING * INTO was;"
    "  IF FOUND THEN"
    "    UPDATE activity_team_days SET entries = entries - was.entries, contacts = contacts - was.contacts,"
    "        prospects = prospects - was.prospects, active = active - was.active,"
    "        latent = latent - was.latent, arid = arid - was.arid, proposals = proposals - was.proposals,"
    "        deals = deals - was.deals, revenue_cents = revenue_cents - was.revenue_cents"
    "      WHERE campaign = p_campaign AND date = p_date;"
    "  END IF;"
    "  INSERT INTO activity_days"
    "    SELECT p_campaign, p_rep, p_date, sum (entries), max (contacts), max (prospects), max (active),"
    "      max (latent), max (arid), max (proposals), max (deals), max (revenue_cents)"
    "    FROM (SELECT entries, contacts, prospects, active, latent, arid, proposals, deals, revenue_cents"
    "            FROM log_days WHERE campaign = p_campaign AND rep = p_rep AND date = p_date"
    "          UNION ALL"
    "          SELECT entries, contacts, prospects, active, latent, arid, proposals, deals, revenue_cents"
    "            FROM call_days WHERE campaign = p_campaign AND rep = p_rep AND date = p_date) parts"
    "    HAVING count (*) > 0"
    "    RETURNING * INTO got;"
    "  IF FOUND THEN"
    "    INSERT INTO activity_team_days AS s VALUES (p_campaign, p_date, got.entries, got.contacts,"
    "        got.prospects, got.active, got.latent, got.arid, got.proposals, got.deals, got.revenue_cents)"
    "      ON CONFLICT (campaign, date) DO UPDATE SET"
    DAY_SUMS_ADD ";"
    "  END IF;"
    "  DELETE FROM activity_team_days WHERE campaign = p_campaign AND date = p_date AND entries = 0;"
    "END $$;",

    "CREATE OR REPLACE FUNCTION prospectd.apply_day_change " DAY_CHANGE_PARAMETERS
    DAY_PART_CHANGE ("log_days")
    "CREATE FUNCTION prospectd.apply_call_day_change " DAY_CHANGE_PARAMETERS
    DAY_PART_CHANGE ("call_days"),

    /* A call's figures to its part of the day; its rep's change mark and
     * the daemons' announcement as for an entry (the functions of steps
     * 9 and 10). Only the columns that make the figures fire it: erasing
     * a prospect changes no count. */
    "CREATE FUNCTION prospectd.apply_call (p_sign bigint, p_campaign text, p_rep text, p_date date,"
    "    p_outcome text, p_before text, p_after text, p_revenue bigint)"
    "  RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, prospectd, pg_temp AS $$"
    "BEGIN"
    "  PERFORM apply_call_day_change (p_campaign, p_rep, p_date, " CALL_FIGURES ");"
    "END $$;"
    "CREATE FUNCTION prospectd.call_days_trigger () RETURNS trigger"
    "  LANGUAGE plpgsql SET search_path = pg_catalog, prospectd, pg_temp AS $$"
    "BEGIN"
    "  IF TG_OP IN ('DELETE', 'UPDATE') THEN"
    "    PERFORM apply_call (-1, OLD.campaign, OLD.rep, OLD.date, OLD.outcome, OLD.state_before,"
    "      OLD.state_after, OLD.revenue_cents);"
    "  END IF;"
    "  IF TG_OP IN ('INSERT', 'UPDATE') THEN"
    "    PERFORM apply_call (1, NEW.campaign, NEW.rep, NEW.date, NEW.outcome, NEW.state_before,"
    "      NEW.state_after, NEW.revenue_cents);"
    "  END IF;"
    "  RETURN NULL;"
    "END $$;"
    "CREATE TRIGGER call_days AFTER INSERT OR DELETE OR UPDATE OF campaign, rep, date, outcome,"
    "    revenue_cents, state_before, state_after"
    "  ON prospectd.calls FOR EACH ROW EXECUTE FUNCTION prospectd.call_days_trigger ();"
    "CREATE TRIGGER activity_changes AFTER INSERT OR DELETE OR UPDATE OF campaign, rep, date, outcome,"
    "    revenue_cents, state_before, state_after"
    "  ON prospectd.calls FOR EACH ROW EXECUTE FUNCTION prospectd.activity_changes_trigger ();"
    "CREATE TRIGGER notify_change AFTER INSERT OR DELETE OR UPDATE"
    "  ON prospectd.calls FOR EACH ROW EXECUTE FUNCTION prospectd.notify_change ();"
    /* Calls recorded before this step (none outside development). */
    "SELECT prospectd.apply_call (1, campaign, rep, date, outcome, state_before, state_after, revenue_cents)"
    "  FROM prospectd.calls ORDER BY id;" },

  /* 12 -> 13 (SQLite's step 13): the feed tokens' index on their
   * selector, their first 16 hex digits. */
  { "CREATE INDEX feed_tokens_by_selector ON prospectd.feed_tokens (substr (token, 1, 16));" },

  /* 13 -> 14 (SQLite's step 14): the campaign text a baseline was made
   * from. */
  { "ALTER TABLE prospectd.revisions ADD COLUMN source text;" },

  /* 14 -> 15 (SQLite's step 15, which changes nothing: a daemon on an
   * SQLite file hears every commit): the prospect file changes what the
   * feeds list (an import, an assignment, an erasure), so a change of it
   * is announced like a log's. */
  { "CREATE TRIGGER notify_change AFTER INSERT OR DELETE OR UPDATE"
    "  ON prospectd.prospects FOR EACH ROW EXECUTE FUNCTION prospectd.notify_change ();" },
  /* 15 -> 16 (SQLite's step 16): each rep's running sums per day, kept
   * by a trigger on activity_days: the day's own row, then the rep's
   * later rows moved by the difference. Shared by the team as
   * activity_days is (store-pg-team.c): every login reads them, none
   * writes them; the trigger runs as the owner. */
  { "CREATE TABLE prospectd.activity_running ("
    "  campaign text COLLATE \"C\" NOT NULL,"
    "  rep text COLLATE \"C\" NOT NULL,"
    "  date date NOT NULL,"
    "  entries bigint NOT NULL, contacts bigint NOT NULL, prospects bigint NOT NULL,"
    "  active bigint NOT NULL, latent bigint NOT NULL, arid bigint NOT NULL,"
    "  proposals bigint NOT NULL, deals bigint NOT NULL, revenue_cents bigint NOT NULL,"
    "  qualified_active bigint NOT NULL, qualified_prospects bigint NOT NULL,"
    "  reached_contacts bigint NOT NULL, reached_prospects bigint NOT NULL,"
    "  won_deals bigint NOT NULL, won_revenue_cents bigint NOT NULL,"
    "  PRIMARY KEY (campaign, rep, date)"
    ");"
    "INSERT INTO prospectd.activity_running"
    "  SELECT campaign, rep, date, sum (entries) OVER w, sum (contacts) OVER w, sum (prospects) OVER w,"
    "    sum (active) OVER w, sum (latent) OVER w, sum (arid) OVER w, sum (proposals) OVER w,"
    "    sum (deals) OVER w, sum (revenue_cents) OVER w, sum (qa) OVER w, sum (qp) OVER w,"
    "    sum (rc) OVER w, sum (rp) OVER w, sum (wd) OVER w, sum (wr) OVER w"
    "  FROM (SELECT a.campaign, a.rep, a.date, " RUNNING_DAY_FIGURES ("a")
    "        FROM prospectd.activity_days AS a) AS d (campaign, rep, date, entries, contacts, prospects,"
    "    active, latent, arid, proposals, deals, revenue_cents, qa, qp, rc, rp, wd, wr)"
    "  WINDOW w AS (PARTITION BY campaign, rep ORDER BY date ROWS UNBOUNDED PRECEDING);",

    /* The rep's rows after d's date moved by d's figures times p_sign. */
    "CREATE FUNCTION prospectd.running_shift (d prospectd.activity_running, p_sign bigint)"
    "  RETURNS void LANGUAGE sql SET search_path = pg_catalog, prospectd, pg_temp AS $$"
    "  UPDATE activity_running SET"
    "      entries = entries + p_sign * d.entries, contacts = contacts + p_sign * d.contacts,"
    "      prospects = prospects + p_sign * d.prospects, active = active + p_sign * d.active,"
    "      latent = latent + p_sign * d.latent, arid = arid + p_sign * d.arid,"
    "      proposals = proposals + p_sign * d.proposals, deals = deals + p_sign * d.deals,"
    "      revenue_cents = revenue_cents + p_sign * d.revenue_cents,"
    "      qualified_active = qualified_active + p_sign * d.qualified_active,"
    "      qualified_prospects = qualified_prospects + p_sign * d.qualified_prospects,"
    "      reached_contacts = reached_contacts + p_sign * d.reached_contacts,"
    "      reached_prospects = reached_prospects + p_sign * d.reached_prospects,"
    "      won_deals = won_deals + p_sign * d.won_deals,"
    "      won_revenue_cents = won_revenue_cents + p_sign * d.won_revenue_cents"
    "    WHERE campaign = d.campaign AND rep = d.rep AND date > d.date"
    "$$;",

    "CREATE FUNCTION prospectd.activity_running_trigger () RETURNS trigger"
    "  LANGUAGE plpgsql SET search_path = pg_catalog, prospectd, pg_temp AS $$"
    "DECLARE"
    "  d activity_running%ROWTYPE;"
    "BEGIN"
    "  IF TG_OP IN ('DELETE', 'UPDATE') THEN"
    "    SELECT OLD.campaign, OLD.rep, OLD.date, " RUNNING_DAY_FIGURES ("OLD") " INTO d;"
    "    DELETE FROM activity_running WHERE campaign = OLD.campaign AND rep = OLD.rep AND date = OLD.date;"
    "    PERFORM running_shift (d, -1);"
    "  END IF;"
    "  IF TG_OP IN ('INSERT', 'UPDATE') THEN"
    "    SELECT NEW.campaign, NEW.rep, NEW.date, " RUNNING_DAY_FIGURES ("NEW") " INTO d;"
    "    INSERT INTO activity_running"
    "      SELECT d.campaign, d.rep, d.date, coalesce (p.entries, 0) + d.entries,"
    "        coalesce (p.contacts, 0) + d.contacts, coalesce (p.prospects, 0) + d.prospects,"
    "        coalesce (p.active, 0) + d.active, coalesce (p.latent, 0) + d.latent,"
    "        coalesce (p.arid, 0) + d.arid, coalesce (p.proposals, 0) + d.proposals,"
    "        coalesce (p.deals, 0) + d.deals, coalesce (p.revenue_cents, 0) + d.revenue_cents,"
    "        coalesce (p.qualified_active, 0) + d.qualified_active,"
    "        coalesce (p.qualified_prospects, 0) + d.qualified_prospects,"
    "        coalesce (p.reached_contacts, 0) + d.reached_contacts,"
    "        coalesce (p.reached_prospects, 0) + d.reached_prospects,"
    "        coalesce (p.won_deals, 0) + d.won_deals, coalesce (p.won_revenue_cents, 0) + d.won_revenue_cents"
    "      FROM (SELECT 1) AS one LEFT JOIN LATERAL (SELECT * FROM activity_running"
    "        WHERE campaign = NEW.campaign AND rep = NEW.rep AND date < NEW.date"
    "        ORDER BY date DESC LIMIT 1) AS p ON true;"
    "    PERFORM running_shift (d, 1);"
    "  END IF;"
    "  RETURN NULL;"
    "END $$;"
    "CREATE TRIGGER activity_running AFTER INSERT OR DELETE OR UPDATE"
    "  ON prospectd.activity_days FOR EACH ROW EXECUTE FUNCTION prospectd.activity_running_trigger ();" },

  /* 16 -> 17 (SQLite's step 17): whose call lists may have changed, a
   * change mark per rep apart from activity_changes, moved by what a
   * rep's lists are made of: its prospects (the old and the new rep),
   * their attributes and sources, the calls made to them (the
   * prospect's rep). Once per statement (its transition tables), on
   * every change but an insert of prospects, attributes or sources:
   * those come from an import alone, which moves each of its reps' marks
   * once. Announced as the other changes are (notify_change), so that a
   * daemon hears an import that only adds sources to known prospects.
   * Shared by the team as activity_changes is (store-pg-team.c); the
   * trigger runs as the owner. */
  { "CREATE TABLE prospectd.prospect_changes ("
    "  campaign text COLLATE \"C\" NOT NULL,"
    "  rep text COLLATE \"C\" NOT NULL,"
    "  mark bigint NOT NULL,"
    "  PRIMARY KEY (campaign, rep)"
    ");"
    "CREATE INDEX prospect_changes_by_mark ON prospectd.prospect_changes (mark);",

    /* TG_ARGV[0]: 'rep' when the rows are prospects (their rep), else
     * the rows name a prospect (its rep; found by its index whatever
     * the number of rows). */
    "CREATE FUNCTION prospectd.prospect_changes_trigger () RETURNS trigger"
    "  LANGUAGE plpgsql SET search_path = pg_catalog, prospectd, pg_temp AS $$"
    "DECLARE"
    "  next_mark bigint := (SELECT coalesce (max (mark), 0) + 1 FROM prospect_changes);"
    "  ids bigint[];"
    "BEGIN"
    "  IF TG_ARGV[0] = 'rep' THEN"
    "    IF TG_OP = 'INSERT' THEN"
    "      INSERT INTO prospect_changes (campaign, rep, mark)"
    "        SELECT DISTINCT campaign, rep, next_mark FROM new_rows WHERE rep IS NOT NULL"
    "        ON CONFLICT (campaign, rep) DO UPDATE SET mark = excluded.mark;"
    "    ELSIF TG_OP = 'DELETE' THEN"
    "      INSERT INTO prospect_changes (campaign, rep, mark)"
    "        SELECT DISTINCT campaign, rep, next_mark FROM old_rows WHERE rep IS NOT NULL"
    "        ON CONFLICT (campaign, rep) DO UPDATE SET mark = excluded.mark;"
    "    ELSE"
    "      INSERT INTO prospect_changes (campaign, rep, mark)"
    "        SELECT campaign, rep, next_mark FROM (SELECT campaign, rep FROM old_rows"
    "          UNION SELECT campaign, rep FROM new_rows) AS r WHERE rep IS NOT NULL"
    "        ON CONFLICT (campaign, rep) DO UPDATE SET mark = excluded.mark;"
    "    END IF;"
    "  ELSE"
    "    IF TG_OP = 'INSERT' THEN"
    "      ids := ARRAY (SELECT prospect FROM new_rows);"
    "    ELSIF TG_OP = 'DELETE' THEN"
    "      ids := ARRAY (SELECT prospect FROM old_rows);"
    "    ELSE"
    "      ids := ARRAY (SELECT prospect FROM old_rows UNION SELECT prospect FROM new_rows);"
    "    END IF;"
    "    INSERT INTO prospect_changes (campaign, rep, mark)"
    "      SELECT DISTINCT campaign, rep, next_mark FROM prospects WHERE id = ANY (ids) AND rep IS NOT NULL"
    "      ON CONFLICT (campaign, rep) DO UPDATE SET mark = excluded.mark;"
    "  END IF;"
    "  RETURN NULL;"
    "END $$;"
    "CREATE TRIGGER notify_change AFTER INSERT OR UPDATE"
    "  ON prospectd.prospect_changes FOR EACH ROW EXECUTE FUNCTION prospectd.notify_change ();",

    PROSPECT_CHANGES_TRIGGERS ("prospects", "rep")
    PROSPECT_CHANGES_TRIGGERS ("prospect_attributes", "prospect")
    PROSPECT_CHANGES_TRIGGERS ("prospect_sources", "prospect")
    PROSPECT_CHANGES_TRIGGER ("calls", "insert", "NEW TABLE AS new_rows", "prospect")
    PROSPECT_CHANGES_TRIGGERS ("calls", "prospect") },
  /* 17 -> 18 (SQLite's step 18): each rep's last row of activity_running,
   * copied by a trigger on activity_days that runs after step 16's (a
   * relation's triggers of one event fire in the order of their names),
   * shared by the team as activity_running is. */
  { "CREATE TABLE prospectd.activity_running_last ("
    "  campaign text COLLATE \"C\" NOT NULL,"
    "  rep text COLLATE \"C\" NOT NULL,"
    "  date date NOT NULL,"
    "  entries bigint NOT NULL, contacts bigint NOT NULL, prospects bigint NOT NULL,"
    "  active bigint NOT NULL, latent bigint NOT NULL, arid bigint NOT NULL,"
    "  proposals bigint NOT NULL, deals bigint NOT NULL, revenue_cents bigint NOT NULL,"
    "  qualified_active bigint NOT NULL, qualified_prospects bigint NOT NULL,"
    "  reached_contacts bigint NOT NULL, reached_prospects bigint NOT NULL,"
    "  won_deals bigint NOT NULL, won_revenue_cents bigint NOT NULL,"
    "  PRIMARY KEY (campaign, rep)"
    ");"
    "INSERT INTO prospectd.activity_running_last"
    "  SELECT DISTINCT ON (campaign, rep) * FROM prospectd.activity_running ORDER BY campaign, rep, date DESC;"
    /* The rep's last row copied (none when it has no row left). */
    "CREATE FUNCTION prospectd.running_last (p_campaign text, p_rep text)"
    "  RETURNS void LANGUAGE sql SET search_path = pg_catalog, prospectd, pg_temp AS $$"
    "  DELETE FROM activity_running_last WHERE campaign = p_campaign AND rep = p_rep;"
    "  INSERT INTO activity_running_last SELECT * FROM activity_running"
    "    WHERE campaign = p_campaign AND rep = p_rep ORDER BY date DESC LIMIT 1;"
    "$$;"
    "CREATE FUNCTION prospectd.activity_running_last_trigger () RETURNS trigger"
    "  LANGUAGE plpgsql SET search_path = pg_catalog, prospectd, pg_temp AS $$"
    "BEGIN"
    "  IF TG_OP IN ('DELETE', 'UPDATE') THEN"
    "    PERFORM running_last (OLD.campaign, OLD.rep);"
    "  END IF;"
    "  IF TG_OP IN ('INSERT', 'UPDATE') THEN"
    "    PERFORM running_last (NEW.campaign, NEW.rep);"
    "  END IF;"
    "  RETURN NULL;"
    "END $$;"
    "CREATE TRIGGER activity_running_last AFTER INSERT OR DELETE OR UPDATE"
    "  ON prospectd.activity_days FOR EACH ROW EXECUTE FUNCTION prospectd.activity_running_last_trigger ();" },
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
  gint64 version;

  if (pg->dry_run && !pg_exec (pg, "SELECT pg_advisory_xact_lock (" PG_SCHEMA_LOCK ")", error))
    return FALSE;
  if (!read_version (pg, &u->version, error))
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
      g_prefix_error (error, _("Upgrade to schema version %" PRId64 " failed: "), next);
      return FALSE;
    }
  /* The team's security over whatever the steps made (store-pg-team.c). */
  return u->version == PD_STORE_SCHEMA_VERSION || pg_team_secure (pg, error);
}

gboolean
pg_migrate (PgStore *pg, gboolean *ret_missing, GError **error)
{
  Upgrade u = { 0 };
  gint64 version;

  if (!read_version (pg, &version, error))
    return FALSE;
  *ret_missing = version == 0;
  pg->schema_found = version;
  if (version < PD_STORE_SCHEMA_VERSION)
    {
      g_autoptr (GError) local_error = NULL;
      gboolean ok;

      if (!pg->dry_run && !pg_exec (pg, "SELECT pg_advisory_lock (" PG_SCHEMA_LOCK ")", error))
        return FALSE;
      ok = pg_transaction (pg, PG_SCHEMA, upgrade, &u, &local_error);
      if (!pg->dry_run)
        pg_exec (pg, "SELECT pg_advisory_unlock (" PG_SCHEMA_LOCK ")", NULL);
      if (!ok)
        {
          if (g_str_equal (pg->sqlstate, "42501"))
            {
              /* A rep's login: the owner creates and upgrades the schema. */
              g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_IO,
                           _("the schema prospectd is at version %" PRId64
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
                   _("Schema version %" PRId64 " is not supported (this prospectd knows up to %d)"),
                   version, PD_STORE_SCHEMA_VERSION);
      return FALSE;
    }
  return TRUE;
}
