/* SPDX-License-Identifier: MIT
 *
 * store-schema: the SQLite schema and its migrations. Owns the SQL text of
 * every table, index and trigger (the per-day sums that triggers on
 * activity keep up to date, schema 4) and the one function that brings a
 * file to PD_STORE_SCHEMA_VERSION. The only SQL text built at run time in
 * the backend is here: the `PRAGMA user_version = N` of a migration step,
 * N being a constant of the table below (PRAGMA takes no parameters).
 */
#define G_LOG_DOMAIN "prospectd-store"

#include <inttypes.h>

#include "store-private.h"

/* ------------------------------------------------------------- schema */

/* The sums of a day (schema 4's activity_days and activity_team_days),
 * and adding a change to them: written once for both tables. */
#define DAY_SUM_COLUMNS \
  "  entries INTEGER NOT NULL CHECK (entries >= 0)," \
  "  contacts INTEGER NOT NULL CHECK (contacts >= 0)," \
  "  prospects INTEGER NOT NULL CHECK (prospects >= 0)," \
  "  active INTEGER NOT NULL CHECK (active >= 0)," \
  "  latent INTEGER NOT NULL CHECK (latent >= 0)," \
  "  arid INTEGER NOT NULL CHECK (arid >= 0)," \
  "  proposals INTEGER NOT NULL CHECK (proposals >= 0)," \
  "  deals INTEGER NOT NULL CHECK (deals >= 0)," \
  "  revenue_cents INTEGER NOT NULL CHECK (revenue_cents >= 0)," \
  "  CONSTRAINT day_sums_are_integers CHECK (" \
  "    typeof (entries) = 'integer' AND typeof (contacts) = 'integer'" \
  "    AND typeof (prospects) = 'integer' AND typeof (active) = 'integer'" \
  "    AND typeof (latent) = 'integer' AND typeof (arid) = 'integer'" \
  "    AND typeof (proposals) = 'integer' AND typeof (deals) = 'integer'" \
  "    AND typeof (revenue_cents) = 'integer'),"
#define DAY_SUMS_ADD_NEW \
  "      entries = entries + NEW.entries," \
  "      contacts = contacts + NEW.contacts," \
  "      prospects = prospects + NEW.prospects," \
  "      active = active + NEW.active," \
  "      latent = latent + NEW.latent," \
  "      arid = arid + NEW.arid," \
  "      proposals = proposals + NEW.proposals," \
  "      deals = deals + NEW.deals," \
  "      revenue_cents = revenue_cents + NEW.revenue_cents"

/* The triggers that keep schema 4's day sums (written once: step 4
 * creates them, step 5 again on the rebuilt activity table). */
#define ACTIVITY_DAY_TRIGGERS \
    "CREATE TRIGGER activity_days_insert AFTER INSERT ON activity BEGIN" \
    "  INSERT INTO activity_day_changes VALUES (NEW.campaign, NEW.rep, NEW.date, 1," \
    "    NEW.contacts, NEW.prospects, NEW.active, NEW.latent, NEW.arid," \
    "    NEW.proposals, NEW.deals, NEW.revenue_cents);" \
    "END;" \
    "CREATE TRIGGER activity_days_delete AFTER DELETE ON activity BEGIN" \
    "  INSERT INTO activity_day_changes VALUES (OLD.campaign, OLD.rep, OLD.date, -1," \
    "    -OLD.contacts, -OLD.prospects, -OLD.active, -OLD.latent, -OLD.arid," \
    "    -OLD.proposals, -OLD.deals, -OLD.revenue_cents);" \
    "END;" \
    "CREATE TRIGGER activity_days_update AFTER UPDATE OF campaign, rep, date," \
    "    contacts, prospects, active, latent, arid, proposals, deals, revenue_cents" \
    "    ON activity BEGIN" \
    "  INSERT INTO activity_day_changes VALUES (OLD.campaign, OLD.rep, OLD.date, -1," \
    "    -OLD.contacts, -OLD.prospects, -OLD.active, -OLD.latent, -OLD.arid," \
    "    -OLD.proposals, -OLD.deals, -OLD.revenue_cents);" \
    "  INSERT INTO activity_day_changes VALUES (NEW.campaign, NEW.rep, NEW.date, 1," \
    "    NEW.contacts, NEW.prospects, NEW.active, NEW.latent, NEW.arid," \
    "    NEW.proposals, NEW.deals, NEW.revenue_cents);" \
    "END;"

/* The figures one call adds to its rep's day (schema 12; docs/method.md,
 * "Calls and logged days"), from the call's row R (NEW or OLD) and its
 * sign S ("" or "-"): an entry and a contact; a prospect reached when the
 * call reached a prospect new or attempted until then; arid, latent,
 * active or a proposal when the call moved the prospect into that state
 * (a latent prospect called again and still latent adds nothing); a deal
 * and its revenue when won. */
#define CALL_FIGURES(R, S) \
  S "1, " S "1," \
  S "(CASE WHEN " R ".state_before IN ('new', 'attempted') AND " R ".outcome <> 'no-answer' THEN 1 ELSE 0 END)," \
  S "(CASE WHEN " R ".state_after = 'active' AND " R ".state_before <> 'active' THEN 1 ELSE 0 END)," \
  S "(CASE WHEN " R ".state_after = 'latent' AND " R ".state_before <> 'latent' THEN 1 ELSE 0 END)," \
  S "(CASE WHEN " R ".state_after = 'arid' AND " R ".state_before <> 'arid' THEN 1 ELSE 0 END)," \
  S "(CASE WHEN " R ".state_after = 'proposal' AND " R ".state_before <> 'proposal' THEN 1 ELSE 0 END)," \
  S "(CASE WHEN " R ".outcome = 'won' THEN 1 ELSE 0 END)," \
  S "(CASE WHEN " R ".outcome = 'won' THEN " R ".revenue_cents ELSE 0 END)"

/* Adds a change (the view's NEW row) to a table of day sums, T: makes the
 * day's row first when adding, deletes it once its entries fall to 0. */
#define DAY_PART_CHANGE(T) \
  "  INSERT INTO " T " (campaign, rep, date, entries, contacts, prospects, active, latent, arid," \
  "      proposals, deals, revenue_cents)" \
  "    SELECT NEW.campaign, NEW.rep, NEW.date, 0, 0, 0, 0, 0, 0, 0, 0, 0" \
  "    WHERE NEW.entries > 0" \
  "    ON CONFLICT DO NOTHING;" \
  "  UPDATE " T " SET" \
  DAY_SUMS_ADD_NEW \
  "    WHERE campaign = NEW.campaign AND rep = NEW.rep AND date = NEW.date;" \
  "  DELETE FROM " T \
  "    WHERE NEW.entries < 0 AND campaign = NEW.campaign AND rep = NEW.rep" \
  "      AND date = NEW.date AND entries = 0;" \
  "  INSERT INTO day_recompute VALUES (NEW.campaign, NEW.rep, NEW.date);"

/* activity_team_days less (S "-") or plus (S "+") the rep's day d. */
#define TEAM_DAY_MOVE(S) \
  "  UPDATE activity_team_days SET" \
  "      entries = activity_team_days.entries " S " d.entries," \
  "      contacts = activity_team_days.contacts " S " d.contacts," \
  "      prospects = activity_team_days.prospects " S " d.prospects," \
  "      active = activity_team_days.active " S " d.active," \
  "      latent = activity_team_days.latent " S " d.latent," \
  "      arid = activity_team_days.arid " S " d.arid," \
  "      proposals = activity_team_days.proposals " S " d.proposals," \
  "      deals = activity_team_days.deals " S " d.deals," \
  "      revenue_cents = activity_team_days.revenue_cents " S " d.revenue_cents" \
  "    FROM activity_days AS d" \
  "    WHERE d.campaign = NEW.campaign AND d.rep = NEW.rep AND d.date = NEW.date" \
  "      AND activity_team_days.campaign = NEW.campaign AND activity_team_days.date = NEW.date;"

#define DAY_PART_SELECT(T) \
  "          SELECT entries, contacts, prospects, active, latent, arid, proposals, deals, revenue_cents" \
  "            FROM " T " WHERE campaign = NEW.campaign AND rep = NEW.rep AND date = NEW.date"

/* Schema 16's running sums: a rep's sums to and including a date, with
 * the sums the observed rates take from the rep-days that carry their
 * counts (include/prospectd/progress.h, PdRates): the prospects and
 * active of the days that qualify prospects, the contacts and prospects
 * of the days with both, the deals and revenue of the days with both. */
#define RUNNING_COLUMN_NAMES \
  "entries, contacts, prospects, active, latent, arid, proposals, deals, revenue_cents," \
  " qualified_active, qualified_prospects, reached_contacts, reached_prospects, won_deals," \
  " won_revenue_cents"
/* The figures one rep-day R adds to its running sums, in that order,
 * named as RUNNING_COLUMN_NAMES are in the derived table d below. */
#define RUNNING_DAY_FIGURES(R) \
  R ".entries AS entries, " R ".contacts AS contacts, " R ".prospects AS prospects," \
  " " R ".active AS active, " R ".latent AS latent, " R ".arid AS arid," \
  " " R ".proposals AS proposals, " R ".deals AS deals, " R ".revenue_cents AS revenue_cents," \
  " CASE WHEN " R ".prospects > 0 AND " R ".active + " R ".latent + " R ".arid > 0 THEN " R ".active ELSE 0 END AS qa," \
  " CASE WHEN " R ".prospects > 0 AND " R ".active + " R ".latent + " R ".arid > 0 THEN " R ".prospects ELSE 0 END" \
  "   AS qp," \
  " CASE WHEN " R ".prospects > 0 AND " R ".contacts > 0 THEN " R ".contacts ELSE 0 END AS rc," \
  " CASE WHEN " R ".prospects > 0 AND " R ".contacts > 0 THEN " R ".prospects ELSE 0 END AS rp," \
  " CASE WHEN " R ".deals > 0 AND " R ".revenue_cents > 0 THEN " R ".deals ELSE 0 END AS wd," \
  " CASE WHEN " R ".deals > 0 AND " R ".revenue_cents > 0 THEN " R ".revenue_cents ELSE 0 END AS wr"
/* The later rows of R's rep moved by its day (S "+" or "-"). */
#define RUNNING_SHIFT(R, S) \
  "  UPDATE activity_running SET" \
  "      entries = entries " S " " R ".entries, contacts = contacts " S " " R ".contacts," \
  "      prospects = prospects " S " " R ".prospects, active = active " S " " R ".active," \
  "      latent = latent " S " " R ".latent, arid = arid " S " " R ".arid," \
  "      proposals = proposals " S " " R ".proposals, deals = deals " S " " R ".deals," \
  "      revenue_cents = revenue_cents " S " " R ".revenue_cents," \
  "      qualified_active = qualified_active " S " (CASE WHEN " R ".prospects > 0" \
  "        AND " R ".active + " R ".latent + " R ".arid > 0 THEN " R ".active ELSE 0 END)," \
  "      qualified_prospects = qualified_prospects " S " (CASE WHEN " R ".prospects > 0" \
  "        AND " R ".active + " R ".latent + " R ".arid > 0 THEN " R ".prospects ELSE 0 END)," \
  "      reached_contacts = reached_contacts " S " (CASE WHEN " R ".prospects > 0" \
  "        AND " R ".contacts > 0 THEN " R ".contacts ELSE 0 END)," \
  "      reached_prospects = reached_prospects " S " (CASE WHEN " R ".prospects > 0" \
  "        AND " R ".contacts > 0 THEN " R ".prospects ELSE 0 END)," \
  "      won_deals = won_deals " S " (CASE WHEN " R ".deals > 0" \
  "        AND " R ".revenue_cents > 0 THEN " R ".deals ELSE 0 END)," \
  "      won_revenue_cents = won_revenue_cents " S " (CASE WHEN " R ".deals > 0" \
  "        AND " R ".revenue_cents > 0 THEN " R ".revenue_cents ELSE 0 END)" \
  "    WHERE campaign = " R ".campaign AND rep = " R ".rep AND date > " R ".date;"
/* R's day out of the running sums: its row, then the later rows. */
#define RUNNING_TAKE(R) \
  "  DELETE FROM activity_running WHERE campaign = " R ".campaign AND rep = " R ".rep" \
  "    AND date = " R ".date;" \
  RUNNING_SHIFT (R, "-")
/* R's day into them: its row, the rep's row before it plus its figures,
 * then the later rows. */
#define RUNNING_PUT(R) \
  "  INSERT INTO activity_running (campaign, rep, date, " RUNNING_COLUMN_NAMES ")" \
  "    SELECT " R ".campaign, " R ".rep, " R ".date," \
  "      coalesce (p.entries, 0) + d.entries, coalesce (p.contacts, 0) + d.contacts," \
  "      coalesce (p.prospects, 0) + d.prospects, coalesce (p.active, 0) + d.active," \
  "      coalesce (p.latent, 0) + d.latent, coalesce (p.arid, 0) + d.arid," \
  "      coalesce (p.proposals, 0) + d.proposals, coalesce (p.deals, 0) + d.deals," \
  "      coalesce (p.revenue_cents, 0) + d.revenue_cents," \
  "      coalesce (p.qualified_active, 0) + d.qa, coalesce (p.qualified_prospects, 0) + d.qp," \
  "      coalesce (p.reached_contacts, 0) + d.rc, coalesce (p.reached_prospects, 0) + d.rp," \
  "      coalesce (p.won_deals, 0) + d.wd, coalesce (p.won_revenue_cents, 0) + d.wr" \
  "    FROM (SELECT " RUNNING_DAY_FIGURES (R) ") AS d" \
  "    LEFT JOIN (SELECT * FROM activity_running WHERE campaign = " R ".campaign AND rep = " R ".rep" \
  "      AND date < " R ".date ORDER BY date DESC LIMIT 1) AS p;" \
  RUNNING_SHIFT (R, "+")

/* Step 17's change mark of a prospect's rep (R: NEW or OLD, a row of
 * prospects), and of the rep of the prospect a row names (R.prospect: a
 * row of prospect_attributes, prospect_sources or calls): its (campaign,
 * rep) moved past every mark, a rep of none left alone. */
#define PROSPECT_MARK(R) \
  "  INSERT OR REPLACE INTO prospect_changes (campaign, rep, mark)" \
  "    SELECT " R ".campaign, " R ".rep, (SELECT coalesce (max (mark), 0) + 1 FROM prospect_changes)" \
  "    WHERE " R ".rep IS NOT NULL;"
#define PROSPECT_MARK_OF(R) \
  "  INSERT OR REPLACE INTO prospect_changes (campaign, rep, mark)" \
  "    SELECT campaign, rep, (SELECT coalesce (max (mark), 0) + 1 FROM prospect_changes)" \
  "    FROM prospects WHERE id = " R ".prospect AND rep IS NOT NULL;"
/* The triggers of a table whose rows name a prospect, but on INSERT. */
#define PROSPECT_CHILD_MARKS(T) \
  "CREATE TRIGGER " T "_changes_delete AFTER DELETE ON " T " BEGIN" PROSPECT_MARK_OF ("OLD") "END;" \
  "CREATE TRIGGER " T "_changes_update AFTER UPDATE ON " T " BEGIN" \
  PROSPECT_MARK_OF ("OLD") PROSPECT_MARK_OF ("NEW") "END;"

/* Schema 18: R's rep's last row of activity_running copied into
 * activity_running_last (none when the rep has no row left), after a day
 * of R's rep was put in or taken out. */
#define RUNNING_LAST(R) \
  "  DELETE FROM activity_running_last WHERE campaign = " R ".campaign AND rep = " R ".rep;" \
  "  INSERT INTO activity_running_last (campaign, rep, date, " RUNNING_COLUMN_NAMES ")" \
  "    SELECT campaign, rep, date, " RUNNING_COLUMN_NAMES " FROM activity_running" \
  "    WHERE campaign = " R ".campaign AND rep = " R ".rep ORDER BY date DESC LIMIT 1;"

/* Migration steps: step i brings user_version from i to i + 1 by running
 * its texts in order (several texts only where one would pass the 4 095
 * characters ISO C guarantees for a literal). Append, never edit: a
 * released step has run on users' files. */
#define MIGRATION_TEXTS 5
static const char *const migrations[][MIGRATION_TEXTS] = {
  /* 0 -> 1: campaigns, activity, notifications. */
  { "CREATE TABLE campaigns ("
  "  id TEXT PRIMARY KEY NOT NULL,"
  "  name TEXT NOT NULL,"
  "  first_seen INTEGER NOT NULL"
  ");"
  "CREATE TABLE activity ("
  "  id INTEGER PRIMARY KEY,"
  "  campaign TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,"
  "  rep TEXT NOT NULL,"
  "  date TEXT NOT NULL,"
  "  contacts INTEGER NOT NULL DEFAULT 0 CHECK (contacts >= 0),"
  "  prospects INTEGER NOT NULL DEFAULT 0 CHECK (prospects >= 0),"
  "  active INTEGER NOT NULL DEFAULT 0 CHECK (active >= 0),"
  "  latent INTEGER NOT NULL DEFAULT 0 CHECK (latent >= 0),"
  "  arid INTEGER NOT NULL DEFAULT 0 CHECK (arid >= 0),"
  "  proposals INTEGER NOT NULL DEFAULT 0 CHECK (proposals >= 0),"
  "  deals INTEGER NOT NULL DEFAULT 0 CHECK (deals >= 0),"
  "  revenue_cents INTEGER NOT NULL DEFAULT 0 CHECK (revenue_cents >= 0),"
  "  note TEXT,"
  "  created INTEGER NOT NULL"
  ");"
  "CREATE TABLE notifications ("
  "  campaign TEXT NOT NULL,"
  "  key TEXT NOT NULL,"
  "  sent_at INTEGER NOT NULL,"
  "  UNIQUE (campaign, key)"
  ");" },

  /* 1 -> 2: schedule revisions; an index for per-rep sums up to a date
   * (covering: the totals of contacts never touch the table). */
  { "CREATE TABLE revisions ("
  "  id INTEGER PRIMARY KEY,"
  "  campaign TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,"
  "  kind TEXT NOT NULL CHECK (kind IN ('baseline', 'catchup')),"
  "  as_of TEXT NOT NULL,"
  "  created INTEGER NOT NULL"
  ");"
  "CREATE INDEX revisions_by_campaign ON revisions (campaign, kind, id);"
  "CREATE TABLE revision_days ("
  "  revision INTEGER NOT NULL REFERENCES revisions (id) ON DELETE CASCADE,"
  "  rep TEXT NOT NULL,"
  "  date TEXT NOT NULL,"
  "  contacts INTEGER NOT NULL CHECK (contacts >= 0),"
  "  PRIMARY KEY (revision, rep, date)"
  ") WITHOUT ROWID;"
  "CREATE INDEX activity_by_rep_date ON activity (campaign, rep, date, contacts);" },

  /* 2 -> 3: the secret of each rep's feed URL (the feed server). */
  { "CREATE TABLE feed_tokens ("
  "  campaign TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,"
  "  rep TEXT NOT NULL,"
  "  token TEXT NOT NULL,"
  "  created INTEGER NOT NULL,"
  "  PRIMARY KEY (campaign, rep)"
  ") WITHOUT ROWID;" },

  /* 3 -> 4: the sums of each rep's day and of the team's day, kept by
   * triggers on activity, so that the status reads a few hundred rows
   * instead of every entry (BENCHMARKS.md). They are derived
   * data: a row exists while at least one entry does, so a rep's day
   * appears in pd_store_daily_contacts() exactly when an entry is logged
   * for it.
   *
   * No foreign key: the sums follow activity and nothing else. Deleting
   * a campaign cascades to its activity, and the cascade fires the delete
   * trigger like any DELETE. A foreign key would add nothing to that, but
   * would make the backfill fail on a file holding entries of an unknown
   * campaign (written with foreign_keys off).
   *
   * Sums stay exact or fail. SQLite's "+" turns an integer overflow into
   * a REAL, which day_sums_are_integers rejects: a write that would take
   * a day's sum beyond 64 bits fails instead of storing a rounded number.
   * Sums over days use sum(), which fails on overflow, as before. The
   * backfill uses sum() too: a file whose days overflow already stays at
   * version 3, with an error.
   *
   * The index of step 2 served the sums that read these tables now. It
   * cost every logged outcome a page, and made listing slower: at
   * 1 000 000 rows, one rep's entries took 209 ms through it against 106
   * ms by reading the table, the whole team's 4.2 s against 0.7 s. */
  { "DROP INDEX activity_by_rep_date;"
    "CREATE TABLE activity_days ("
    "  campaign TEXT NOT NULL,"
    "  rep TEXT NOT NULL,"
    "  date TEXT NOT NULL,"
    DAY_SUM_COLUMNS
    "  PRIMARY KEY (campaign, rep, date)"
    ") WITHOUT ROWID;"
    "CREATE TABLE activity_team_days ("
    "  campaign TEXT NOT NULL,"
    "  date TEXT NOT NULL,"
    DAY_SUM_COLUMNS
    "  PRIMARY KEY (campaign, date)"
    ") WITHOUT ROWID;"
    "INSERT INTO activity_days (campaign, rep, date, entries, contacts, prospects,"
    "    active, latent, arid, proposals, deals, revenue_cents)"
    "  SELECT campaign, rep, date, count(*), sum(contacts), sum(prospects),"
    "    sum(active), sum(latent), sum(arid), sum(proposals), sum(deals),"
    "    sum(revenue_cents)"
    "  FROM activity GROUP BY campaign, rep, date;"
    "INSERT INTO activity_team_days (campaign, date, entries, contacts, prospects,"
    "    active, latent, arid, proposals, deals, revenue_cents)"
    "  SELECT campaign, date, sum(entries), sum(contacts), sum(prospects),"
    "    sum(active), sum(latent), sum(arid), sum(proposals), sum(deals),"
    "    sum(revenue_cents)"
    "  FROM activity_days GROUP BY campaign, date;",

    /* The arithmetic, written once: a change (an entry added: entries 1
     * and its counts; taken out: entries -1 and minus its counts) inserted
     * into this view, which nothing reads, is added to both tables by the
     * view's INSTEAD OF trigger. An addition first makes sure the day has
     * a row (all zeros: an UPSERT cannot take a removal, whose negative
     * row would fail the CHECKs before any conflict is seen); a removal
     * deletes the day once its entries fall to 0. The tests of
     * NEW.entries are evaluated once, before any lookup. */
    "CREATE VIEW activity_day_changes AS"
    "  SELECT campaign, rep, date, entries, contacts, prospects, active, latent,"
    "    arid, proposals, deals, revenue_cents"
    "  FROM activity_days WHERE 0;"
    "CREATE TRIGGER activity_day_changes_apply"
    "  INSTEAD OF INSERT ON activity_day_changes BEGIN"
    "  INSERT INTO activity_days (campaign, rep, date, entries, contacts, prospects,"
    "      active, latent, arid, proposals, deals, revenue_cents)"
    "    SELECT NEW.campaign, NEW.rep, NEW.date, 0, 0, 0, 0, 0, 0, 0, 0, 0"
    "    WHERE NEW.entries > 0"
    "    ON CONFLICT DO NOTHING;"
    "  UPDATE activity_days SET"
    DAY_SUMS_ADD_NEW
    "    WHERE campaign = NEW.campaign AND rep = NEW.rep AND date = NEW.date;"
    "  DELETE FROM activity_days"
    "    WHERE NEW.entries < 0 AND campaign = NEW.campaign AND rep = NEW.rep"
    "      AND date = NEW.date AND entries = 0;"
    "  INSERT INTO activity_team_days (campaign, date, entries, contacts, prospects,"
    "      active, latent, arid, proposals, deals, revenue_cents)"
    "    SELECT NEW.campaign, NEW.date, 0, 0, 0, 0, 0, 0, 0, 0, 0"
    "    WHERE NEW.entries > 0"
    "    ON CONFLICT DO NOTHING;"
    "  UPDATE activity_team_days SET"
    DAY_SUMS_ADD_NEW
    "    WHERE campaign = NEW.campaign AND date = NEW.date;"
    "  DELETE FROM activity_team_days"
    "    WHERE NEW.entries < 0 AND campaign = NEW.campaign AND date = NEW.date"
    "      AND entries = 0;"
    "END;",

    /* The changes of activity. An update takes the old values out before
     * putting the new ones in, so that a change of campaign, rep or date
     * moves the sums and no intermediate sum can overflow. prospectd never
     * writes activity with REPLACE, whose deletions fire no trigger unless
     * recursive_triggers is on. */
    ACTIVITY_DAY_TRIGGERS },

  /* 4 -> 5: entry ids are never reused (AUTOINCREMENT): SQLite would
   * hand the id of a removed last entry to the next one, and a rep who
   * removed #12 and logs again must not see a new #12. The table is
   * rebuilt (SQLite cannot add AUTOINCREMENT in place); the copy seeds
   * sqlite_sequence with the highest id kept. An id removed before this
   * upgrade above the highest kept one cannot be known. Dropping the old
   * table drops its triggers and fires none; the sums stay as they were.
   * Entries of a campaign never recorded (a file written with foreign
   * keys off) would fail the copy's foreign key, and foreign keys cannot
   * be turned off inside the upgrade's transaction: such a campaign is
   * recorded, named by its id, so that its entries are kept. */
  { "CREATE TABLE activity_new ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  campaign TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,"
    "  rep TEXT NOT NULL,"
    "  date TEXT NOT NULL,"
    "  contacts INTEGER NOT NULL DEFAULT 0 CHECK (contacts >= 0),"
    "  prospects INTEGER NOT NULL DEFAULT 0 CHECK (prospects >= 0),"
    "  active INTEGER NOT NULL DEFAULT 0 CHECK (active >= 0),"
    "  latent INTEGER NOT NULL DEFAULT 0 CHECK (latent >= 0),"
    "  arid INTEGER NOT NULL DEFAULT 0 CHECK (arid >= 0),"
    "  proposals INTEGER NOT NULL DEFAULT 0 CHECK (proposals >= 0),"
    "  deals INTEGER NOT NULL DEFAULT 0 CHECK (deals >= 0),"
    "  revenue_cents INTEGER NOT NULL DEFAULT 0 CHECK (revenue_cents >= 0),"
    "  note TEXT,"
    "  created INTEGER NOT NULL"
    ");"
    "INSERT INTO campaigns (id, name, first_seen)"
    "  SELECT DISTINCT campaign, campaign, 0 FROM activity"
    "  WHERE campaign NOT IN (SELECT id FROM campaigns);"
    "INSERT INTO activity_new (id, campaign, rep, date, contacts, prospects, active,"
    "    latent, arid, proposals, deals, revenue_cents, note, created)"
    "  SELECT id, campaign, rep, date, contacts, prospects, active, latent, arid,"
    "    proposals, deals, revenue_cents, note, created FROM activity;"
    "DROP TABLE activity;"
    "ALTER TABLE activity_new RENAME TO activity;",
    ACTIVITY_DAY_TRIGGERS },

  /* 5 -> 6: a catch-up restarts a rep's cumulative count at the contacts
   * logged: the day it restarts carries that count. */
  { "ALTER TABLE revision_days ADD COLUMN base INTEGER CHECK (base IS NULL OR base >= 0);" },

  /* 6 -> 7: what the database says about itself; first, its id: 128
   * random bits (SQLite's generator, seeded by the system's), made once,
   * so that a feeds directory can name the database it belongs to
   * whatever path the file is opened at. */
  { "CREATE TABLE meta ("
    "  key TEXT PRIMARY KEY NOT NULL,"
    "  value TEXT NOT NULL"
    ") WITHOUT ROWID;"
    "INSERT INTO meta (key, value) VALUES ('database_id', lower (hex (randomblob (16))));" },

  /* 7 -> 8: the day each rep first appeared in a campaign, the default
   * start of a rep added mid-campaign. */
  { "CREATE TABLE rep_starts ("
    "  campaign TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,"
    "  rep TEXT NOT NULL,"
    "  first_seen TEXT NOT NULL,"
    "  PRIMARY KEY (campaign, rep)"
    ") WITHOUT ROWID;" },

  /* 8 -> 9: one rep's change costs one rep. The days of the latest
   * catch-up live in their own table, keyed by rep, so that a catch-up of
   * a few reps replaces those reps' rows only (a revisions row still
   * marks each save: its id, as_of and time); the catch-up days of older
   * files move there, and the catch-ups before the latest (never read)
   * go. A change mark per rep, moved by triggers on activity (the old
   * and the new rep of an update), tells the daemon whose entries were
   * added, changed or removed since it last looked. */
  { "CREATE TABLE catchup_days ("
    "  campaign TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,"
    "  rep TEXT NOT NULL,"
    "  date TEXT NOT NULL,"
    "  contacts INTEGER NOT NULL CHECK (contacts >= 0),"
    "  base INTEGER CHECK (base IS NULL OR base >= 0),"
    "  PRIMARY KEY (campaign, rep, date)"
    ") WITHOUT ROWID;"
    "INSERT INTO catchup_days (campaign, rep, date, contacts, base)"
    "  SELECT r.campaign, d.rep, d.date, d.contacts, d.base"
    "  FROM revision_days d JOIN revisions r ON r.id = d.revision"
    "  WHERE r.kind = 'catchup' AND r.id = (SELECT max (id) FROM revisions"
    "    WHERE campaign = r.campaign AND kind = 'catchup');"
    "DELETE FROM revision_days WHERE revision IN"
    "  (SELECT id FROM revisions WHERE kind = 'catchup');"
    "DELETE FROM revisions WHERE kind = 'catchup' AND id < (SELECT max (id)"
    "  FROM revisions AS later WHERE later.campaign = revisions.campaign"
    "  AND later.kind = 'catchup');"
    "CREATE TABLE activity_changes ("
    "  campaign TEXT NOT NULL,"
    "  rep TEXT NOT NULL,"
    "  mark INTEGER NOT NULL,"
    "  PRIMARY KEY (campaign, rep)"
    ") WITHOUT ROWID;"
    "CREATE INDEX activity_changes_by_mark ON activity_changes (mark);",

    "CREATE TRIGGER activity_changes_insert AFTER INSERT ON activity BEGIN"
    "  INSERT OR REPLACE INTO activity_changes (campaign, rep, mark)"
    "    VALUES (NEW.campaign, NEW.rep,"
    "      (SELECT coalesce (max (mark), 0) + 1 FROM activity_changes));"
    "END;"
    "CREATE TRIGGER activity_changes_delete AFTER DELETE ON activity BEGIN"
    "  INSERT OR REPLACE INTO activity_changes (campaign, rep, mark)"
    "    VALUES (OLD.campaign, OLD.rep,"
    "      (SELECT coalesce (max (mark), 0) + 1 FROM activity_changes));"
    "END;"
    "CREATE TRIGGER activity_changes_update AFTER UPDATE ON activity BEGIN"
    "  INSERT OR REPLACE INTO activity_changes (campaign, rep, mark)"
    "    VALUES (OLD.campaign, OLD.rep,"
    "      (SELECT coalesce (max (mark), 0) + 1 FROM activity_changes));"
    "  INSERT OR REPLACE INTO activity_changes (campaign, rep, mark)"
    "    VALUES (NEW.campaign, NEW.rep,"
    "      (SELECT coalesce (max (mark), 0) + 1 FROM activity_changes));"
    "END;" },

  /* 9 -> 10: several daemons on one database. A notification is claimed
   * per desktop (the rows of before, desktop '', count for every
   * desktop); a catch-up records the revision it was computed from, and
   * one campaign's catch-ups from the same revision and day are unique:
   * of daemons evaluating the same check at once, one stores it. */
  { "CREATE TABLE notifications_by_desktop ("
    "  campaign TEXT NOT NULL,"
    "  key TEXT NOT NULL,"
    "  desktop TEXT NOT NULL DEFAULT '',"
    "  sent_at INTEGER NOT NULL,"
    "  PRIMARY KEY (campaign, key, desktop)"
    ");"
    "INSERT INTO notifications_by_desktop (campaign, key, desktop, sent_at)"
    "  SELECT campaign, key, '', sent_at FROM notifications ORDER BY rowid;"
    "DROP TABLE notifications;"
    "ALTER TABLE notifications_by_desktop RENAME TO notifications;"
    "ALTER TABLE revisions ADD COLUMN parent INTEGER;"
    "CREATE UNIQUE INDEX revisions_catchup_once ON revisions (campaign, as_of, parent)"
    "  WHERE kind = 'catchup' AND parent IS NOT NULL;" },

  /* 10 -> 11: the prospect file (docs/prospects.md). Prospects with the
   * columns of their file that are no known field (attributes, in
   * order) and the files they were found in (sources, by line); the
   * calls made to them, with the state each call found and left. A
   * call outlives its prospect (erased: prospect NULL, note NULL), so
   * that the day counts derived from calls keep their numbers. */
  { "CREATE TABLE prospects ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  campaign TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,"
    "  rep TEXT CHECK (rep IS NULL OR rep <> ''),"
    "  company TEXT NOT NULL CHECK (company <> ''),"
    "  contact TEXT, first_name TEXT, phone TEXT, mobile TEXT, email TEXT, city TEXT,"
    "  postcode TEXT, sector TEXT, size TEXT, notes TEXT,"
    "  state TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'attempted', 'arid', 'latent',"
    "    'active', 'proposal', 'won', 'lost')),"
    "  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),"
    "  follow_up TEXT,"
    "  spontaneous INTEGER NOT NULL DEFAULT 0 CHECK (spontaneous IN (0, 1)),"
    "  prescriber TEXT,"
    "  recommended_by TEXT,"
    "  import_order INTEGER NOT NULL,"
    "  created INTEGER NOT NULL"
    ");"
    "CREATE INDEX prospects_by_order ON prospects (campaign, import_order);"
    "CREATE INDEX prospects_by_rep ON prospects (campaign, rep, state);"
    "CREATE TABLE prospect_attributes ("
    "  prospect INTEGER NOT NULL REFERENCES prospects (id) ON DELETE CASCADE,"
    "  position INTEGER NOT NULL,"
    "  name TEXT NOT NULL,"
    "  value TEXT NOT NULL,"
    "  PRIMARY KEY (prospect, position)"
    ") WITHOUT ROWID;"
    "CREATE TABLE prospect_sources ("
    "  prospect INTEGER NOT NULL REFERENCES prospects (id) ON DELETE CASCADE,"
    "  source TEXT NOT NULL CHECK (source <> ''),"
    "  line INTEGER NOT NULL CHECK (line >= 0),"
    "  PRIMARY KEY (prospect, source, line)"
    ") WITHOUT ROWID;"
    "CREATE INDEX prospect_sources_by_source ON prospect_sources (source, prospect);"
    "CREATE TABLE calls ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  campaign TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,"
    "  prospect INTEGER REFERENCES prospects (id) ON DELETE SET NULL,"
    "  rep TEXT NOT NULL CHECK (rep <> ''),"
    "  date TEXT NOT NULL,"
    "  outcome TEXT NOT NULL CHECK (outcome IN ('no-answer', 'arid', 'latent', 'active',"
    "    'proposal', 'won', 'lost')),"
    "  follow_up TEXT,"
    "  revenue_cents INTEGER NOT NULL DEFAULT 0 CHECK (revenue_cents >= 0),"
    "  note TEXT,"
    "  state_before TEXT NOT NULL,"
    "  state_after TEXT NOT NULL,"
    "  created INTEGER NOT NULL"
    ");"
    "CREATE INDEX calls_by_rep_date ON calls (campaign, rep, date);"
    "CREATE INDEX calls_by_prospect ON calls (prospect);" },

  /* 11 -> 12: the day counts derived from calls (docs/method.md, "Calls
   * and logged days"). A rep's day has two parts: the sums of its `log`
   * entries (log_days, what activity_days held until now) and the sums
   * of its calls (call_days), each kept by triggers on its table; the
   * day as every reader sees it (activity_days, and activity_team_days
   * summing it) is, figure by figure, the larger of the two parts, and
   * entries counts both (a day is there while it holds an entry or a
   * call). A change of either part recomputes the rep's day and moves
   * the team's day by the difference (day_recompute). Calls also move
   * their rep's change mark, as entries do, so that a daemon reacts to a
   * call as to a log. Only the columns that make a call's figures fire
   * the update trigger: erasing a prospect (its calls lose prospect and
   * note) changes no count. */
  { "CREATE TABLE log_days ("
    "  campaign TEXT NOT NULL,"
    "  rep TEXT NOT NULL,"
    "  date TEXT NOT NULL,"
    DAY_SUM_COLUMNS
    "  PRIMARY KEY (campaign, rep, date)"
    ") WITHOUT ROWID;"
    "CREATE TABLE call_days ("
    "  campaign TEXT NOT NULL,"
    "  rep TEXT NOT NULL,"
    "  date TEXT NOT NULL,"
    DAY_SUM_COLUMNS
    "  PRIMARY KEY (campaign, rep, date)"
    ") WITHOUT ROWID;"
    "INSERT INTO log_days (campaign, rep, date, entries, contacts, prospects, active, latent, arid,"
    "    proposals, deals, revenue_cents)"
    "  SELECT campaign, rep, date, entries, contacts, prospects, active, latent, arid, proposals,"
    "    deals, revenue_cents FROM activity_days;"
    "CREATE VIEW day_recompute AS SELECT campaign, rep, date FROM activity_days WHERE 0;"
    "CREATE VIEW call_day_changes AS"
    "  SELECT campaign, rep, date, entries, contacts, prospects, active, latent,"
    "    arid, proposals, deals, revenue_cents"
    "  FROM call_days WHERE 0;",

    /* The rep's day again from its two parts: out of the team's day, out
     * of activity_days, back as the larger of each figure, back into the
     * team's day (made first if needed, deleted once empty). */
    "CREATE TRIGGER day_recompute_apply INSTEAD OF INSERT ON day_recompute BEGIN"
    TEAM_DAY_MOVE ("-")
    "  DELETE FROM activity_days WHERE campaign = NEW.campaign AND rep = NEW.rep AND date = NEW.date;"
    "  INSERT INTO activity_days (campaign, rep, date, entries, contacts, prospects, active, latent, arid,"
    "      proposals, deals, revenue_cents)"
    "    SELECT NEW.campaign, NEW.rep, NEW.date, sum (entries), max (contacts), max (prospects),"
    "      max (active), max (latent), max (arid), max (proposals), max (deals), max (revenue_cents)"
    "    FROM ("
    DAY_PART_SELECT ("log_days")
    "          UNION ALL"
    DAY_PART_SELECT ("call_days")
    "    ) HAVING count (*) > 0;"
    "  INSERT INTO activity_team_days (campaign, date, entries, contacts, prospects, active, latent, arid,"
    "      proposals, deals, revenue_cents)"
    "    SELECT NEW.campaign, NEW.date, 0, 0, 0, 0, 0, 0, 0, 0, 0"
    "    WHERE EXISTS (SELECT 1 FROM activity_days"
    "      WHERE campaign = NEW.campaign AND rep = NEW.rep AND date = NEW.date)"
    "    ON CONFLICT DO NOTHING;"
    TEAM_DAY_MOVE ("+")
    "  DELETE FROM activity_team_days WHERE campaign = NEW.campaign AND date = NEW.date AND entries = 0;"
    "END;",

    /* The entries' change now goes to their part, then recomputes. */
    "DROP TRIGGER activity_day_changes_apply;"
    "CREATE TRIGGER activity_day_changes_apply"
    "  INSTEAD OF INSERT ON activity_day_changes BEGIN"
    DAY_PART_CHANGE ("log_days")
    "END;"
    "CREATE TRIGGER call_day_changes_apply"
    "  INSTEAD OF INSERT ON call_day_changes BEGIN"
    DAY_PART_CHANGE ("call_days")
    "END;",

    "CREATE TRIGGER call_days_insert AFTER INSERT ON calls BEGIN"
    "  INSERT INTO call_day_changes VALUES (NEW.campaign, NEW.rep, NEW.date, " CALL_FIGURES ("NEW", "") ");"
    "  INSERT OR REPLACE INTO activity_changes (campaign, rep, mark)"
    "    VALUES (NEW.campaign, NEW.rep,"
    "      (SELECT coalesce (max (mark), 0) + 1 FROM activity_changes));"
    "END;"
    "CREATE TRIGGER call_days_delete AFTER DELETE ON calls BEGIN"
    "  INSERT INTO call_day_changes VALUES (OLD.campaign, OLD.rep, OLD.date, " CALL_FIGURES ("OLD", "-") ");"
    "  INSERT OR REPLACE INTO activity_changes (campaign, rep, mark)"
    "    VALUES (OLD.campaign, OLD.rep,"
    "      (SELECT coalesce (max (mark), 0) + 1 FROM activity_changes));"
    "END;",

    "CREATE TRIGGER call_days_update AFTER UPDATE OF campaign, rep, date, outcome, revenue_cents,"
    "    state_before, state_after ON calls BEGIN"
    "  INSERT INTO call_day_changes VALUES (OLD.campaign, OLD.rep, OLD.date, " CALL_FIGURES ("OLD", "-") ");"
    "  INSERT INTO call_day_changes VALUES (NEW.campaign, NEW.rep, NEW.date, " CALL_FIGURES ("NEW", "") ");"
    "  INSERT OR REPLACE INTO activity_changes (campaign, rep, mark)"
    "    VALUES (OLD.campaign, OLD.rep,"
    "      (SELECT coalesce (max (mark), 0) + 1 FROM activity_changes));"
    "  INSERT OR REPLACE INTO activity_changes (campaign, rep, mark)"
    "    VALUES (NEW.campaign, NEW.rep,"
    "      (SELECT coalesce (max (mark), 0) + 1 FROM activity_changes));"
    "END;"
    /* Calls recorded before this step (none outside development). */
    "INSERT INTO call_day_changes"
    "  SELECT campaign, rep, date, " CALL_FIGURES ("calls", "") " FROM calls;" },

  /* 12 -> 13: the feed server finds a token through an index on its
   * first 16 hex digits (its selector, 64 of its 192 bits), then compares
   * the whole token in constant time: a probe's time depends on the
   * selector only, and the other 128 bits never reach the index
   * (pd_store_find_feed_token()). */
  { "CREATE INDEX feed_tokens_by_selector ON feed_tokens (substr (token, 1, 16));" },

  /* 13 -> 14: a baseline names the campaign text it was made from
   * (PdCampaign.source_digest), so that a command reading an unchanged
   * file need not build every rep's days to know its past is unchanged
   * (pd_catchup_freeze_past()). NULL for the baselines saved before. */
  { "ALTER TABLE revisions ADD COLUMN source TEXT;" },

  /* 14 -> 15: PostgreSQL's daemons hear the prospect file's changes
   * (a NOTIFY); a daemon on this file hears every commit already: nothing
   * to do, the versions staying the same on both backends. */
  { NULL },
  /* 15 -> 16: each rep's running sums, kept by triggers on activity_days
   * (one row per row there: the rep's sums to and including that date,
   * the observed rates' conditional sums with them), so that the status
   * reads one row per rep and date asked instead of every rep-day. A day
   * that changes replaces its own row and moves the rep's later rows by
   * the difference: a day logged today costs its own row. The sums are
   * exact or the write fails (running_sums_are_integers, as step 4's). */
  { "CREATE TABLE activity_running ("
    "  campaign TEXT NOT NULL,"
    "  rep TEXT NOT NULL,"
    "  date TEXT NOT NULL,"
    "  entries INTEGER NOT NULL, contacts INTEGER NOT NULL, prospects INTEGER NOT NULL,"
    "  active INTEGER NOT NULL, latent INTEGER NOT NULL, arid INTEGER NOT NULL,"
    "  proposals INTEGER NOT NULL, deals INTEGER NOT NULL, revenue_cents INTEGER NOT NULL,"
    "  qualified_active INTEGER NOT NULL, qualified_prospects INTEGER NOT NULL,"
    "  reached_contacts INTEGER NOT NULL, reached_prospects INTEGER NOT NULL,"
    "  won_deals INTEGER NOT NULL, won_revenue_cents INTEGER NOT NULL,"
    "  CONSTRAINT running_sums_are_integers CHECK ("
    "    typeof (entries) = 'integer' AND typeof (contacts) = 'integer'"
    "    AND typeof (prospects) = 'integer' AND typeof (active) = 'integer'"
    "    AND typeof (latent) = 'integer' AND typeof (arid) = 'integer'"
    "    AND typeof (proposals) = 'integer' AND typeof (deals) = 'integer'"
    "    AND typeof (revenue_cents) = 'integer' AND typeof (qualified_active) = 'integer'"
    "    AND typeof (qualified_prospects) = 'integer' AND typeof (reached_contacts) = 'integer'"
    "    AND typeof (reached_prospects) = 'integer' AND typeof (won_deals) = 'integer'"
    "    AND typeof (won_revenue_cents) = 'integer'),"
    "  PRIMARY KEY (campaign, rep, date)"
    ") WITHOUT ROWID;"
    "INSERT INTO activity_running (campaign, rep, date, " RUNNING_COLUMN_NAMES ")"
    "  SELECT campaign, rep, date, sum (entries) OVER w, sum (contacts) OVER w, sum (prospects) OVER w,"
    "    sum (active) OVER w, sum (latent) OVER w, sum (arid) OVER w, sum (proposals) OVER w,"
    "    sum (deals) OVER w, sum (revenue_cents) OVER w, sum (qa) OVER w, sum (qp) OVER w,"
    "    sum (rc) OVER w, sum (rp) OVER w, sum (wd) OVER w, sum (wr) OVER w"
    "  FROM (SELECT campaign, rep, date, " RUNNING_DAY_FIGURES ("activity_days")
    "        FROM activity_days) AS d"
    "  WINDOW w AS (PARTITION BY campaign, rep ORDER BY date ROWS UNBOUNDED PRECEDING);",

    /* The arithmetic written once, as step 4's: a day put in or taken
     * out is inserted into one of these views, which nothing reads. */
    "CREATE VIEW running_put AS SELECT campaign, rep, date, entries, contacts, prospects, active,"
    "  latent, arid, proposals, deals, revenue_cents FROM activity_days WHERE 0;"
    "CREATE VIEW running_take AS SELECT * FROM running_put;",

    "CREATE TRIGGER running_put_apply INSTEAD OF INSERT ON running_put BEGIN"
    RUNNING_PUT ("NEW")
    "END;",

    "CREATE TRIGGER running_take_apply INSTEAD OF INSERT ON running_take BEGIN"
    RUNNING_TAKE ("NEW")
    "END;",

    /* activity_days is replaced, never updated (day_recompute): the
     * update trigger is there for completeness. */
    "CREATE TRIGGER activity_running_insert AFTER INSERT ON activity_days BEGIN"
    "  INSERT INTO running_put VALUES (NEW.campaign, NEW.rep, NEW.date, NEW.entries, NEW.contacts,"
    "    NEW.prospects, NEW.active, NEW.latent, NEW.arid, NEW.proposals, NEW.deals, NEW.revenue_cents);"
    "END;"
    "CREATE TRIGGER activity_running_delete AFTER DELETE ON activity_days BEGIN"
    "  INSERT INTO running_take VALUES (OLD.campaign, OLD.rep, OLD.date, OLD.entries, OLD.contacts,"
    "    OLD.prospects, OLD.active, OLD.latent, OLD.arid, OLD.proposals, OLD.deals, OLD.revenue_cents);"
    "END;"
    "CREATE TRIGGER activity_running_update AFTER UPDATE ON activity_days BEGIN"
    "  INSERT INTO running_take VALUES (OLD.campaign, OLD.rep, OLD.date, OLD.entries, OLD.contacts,"
    "    OLD.prospects, OLD.active, OLD.latent, OLD.arid, OLD.proposals, OLD.deals, OLD.revenue_cents);"
    "  INSERT INTO running_put VALUES (NEW.campaign, NEW.rep, NEW.date, NEW.entries, NEW.contacts,"
    "    NEW.prospects, NEW.active, NEW.latent, NEW.arid, NEW.proposals, NEW.deals, NEW.revenue_cents);"
    "END;" },

  /* 16 -> 17: whose call lists may have changed. A change mark per rep,
   * as activity_changes's (step 9) but apart from it (a prospect's
   * change re-spreads no one), moved past every mark before it by what
   * a rep's lists are made of: its prospects (the old and the new rep of
   * a reassignment), their attributes and sources (a [prospects]
   * priority may name them), and the calls made to them (the rep is
   * then the prospect's). A prospect of no rep is in no rep's list: it
   * moves no mark. Triggers move them on every change but an insert of
   * prospects, attributes or sources: those come from an import alone
   * (pd_store_import_feed()), which moves each of its reps' marks once
   * (a trigger's call a row cost an import of 100 000 rows 16 %). */
  { "CREATE TABLE prospect_changes ("
    "  campaign TEXT NOT NULL,"
    "  rep TEXT NOT NULL,"
    "  mark INTEGER NOT NULL,"
    "  PRIMARY KEY (campaign, rep)"
    ") WITHOUT ROWID;"
    "CREATE INDEX prospect_changes_by_mark ON prospect_changes (mark);",

    "CREATE TRIGGER prospect_changes_delete AFTER DELETE ON prospects WHEN OLD.rep IS NOT NULL BEGIN"
    PROSPECT_MARK ("OLD")
    "END;"
    "CREATE TRIGGER prospect_changes_update AFTER UPDATE ON prospects BEGIN"
    PROSPECT_MARK ("OLD")
    PROSPECT_MARK ("NEW")
    "END;"
    PROSPECT_CHILD_MARKS ("prospect_attributes")
    PROSPECT_CHILD_MARKS ("prospect_sources"),

    /* A call moves its prospect's rep; erasing a prospect sets its
     * calls' prospect to NULL (the old one's rep moves). */
    "CREATE TRIGGER prospect_changes_call_insert AFTER INSERT ON calls WHEN NEW.prospect IS NOT NULL BEGIN"
    PROSPECT_MARK_OF ("NEW")
    "END;"
    "CREATE TRIGGER prospect_changes_call_delete AFTER DELETE ON calls WHEN OLD.prospect IS NOT NULL BEGIN"
    PROSPECT_MARK_OF ("OLD")
    "END;"
    "CREATE TRIGGER prospect_changes_call_update AFTER UPDATE OF prospect, date ON calls BEGIN"
    PROSPECT_MARK_OF ("OLD")
    PROSPECT_MARK_OF ("NEW")
    "END;" },
  /* 17 -> 18: each rep's last row of activity_running (its sums to its
   * last logged day), kept by the same triggers, so that a status on or
   * after that day reads a row per rep from a small table, in order,
   * instead of a look-up per rep in the large one (pd_store_running_at();
   * a rep whose last day is later is looked up there as before). */
  { "CREATE TABLE activity_running_last ("
    "  campaign TEXT NOT NULL,"
    "  rep TEXT NOT NULL,"
    "  date TEXT NOT NULL,"
    "  entries INTEGER NOT NULL, contacts INTEGER NOT NULL, prospects INTEGER NOT NULL,"
    "  active INTEGER NOT NULL, latent INTEGER NOT NULL, arid INTEGER NOT NULL,"
    "  proposals INTEGER NOT NULL, deals INTEGER NOT NULL, revenue_cents INTEGER NOT NULL,"
    "  qualified_active INTEGER NOT NULL, qualified_prospects INTEGER NOT NULL,"
    "  reached_contacts INTEGER NOT NULL, reached_prospects INTEGER NOT NULL,"
    "  won_deals INTEGER NOT NULL, won_revenue_cents INTEGER NOT NULL,"
    "  PRIMARY KEY (campaign, rep)"
    ") WITHOUT ROWID;"
    "INSERT INTO activity_running_last (campaign, rep, date, " RUNNING_COLUMN_NAMES ")"
    "  SELECT campaign, rep, date, " RUNNING_COLUMN_NAMES " FROM activity_running AS r"
    "  WHERE date = (SELECT max (date) FROM activity_running WHERE campaign = r.campaign AND rep = r.rep);",

    "DROP TRIGGER running_put_apply;"
    "CREATE TRIGGER running_put_apply INSTEAD OF INSERT ON running_put BEGIN"
    RUNNING_PUT ("NEW")
    RUNNING_LAST ("NEW")
    "END;",

    "DROP TRIGGER running_take_apply;"
    "CREATE TRIGGER running_take_apply INSTEAD OF INSERT ON running_take BEGIN"
    RUNNING_TAKE ("NEW")
    RUNNING_LAST ("NEW")
    "END;" },
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == PD_STORE_SCHEMA_VERSION);

/* ------------------------------------------------------------ migrate */

/* Brings the schema to PD_STORE_SCHEMA_VERSION. The version is re-read
 * once the write lock is held: another process may have migrated the file
 * between our first look and the lock. Steps and version bump
 * commit together, so a crash leaves the old version intact. */
gboolean
store_migrate (PdStore *store, GError **error)
{
  gint64 version = 0;
  gboolean ok;

  if (!store_query_int (store, "PRAGMA user_version", &version, error))
    return FALSE;
  store->schema_found = version;
  if (version == PD_STORE_SCHEMA_VERSION)
    return TRUE;
  if (version < 0 || version > PD_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_VERSION,
                   _("Schema version %" PRId64
                     " is not supported (this prospectd knows up to %d)"),
                   version, PD_STORE_SCHEMA_VERSION);
      return FALSE;
    }

  if (!store_begin_write (store, error))
    return FALSE;
  ok = store_query_int (store, "PRAGMA user_version", &version, error);
  for (; ok && version < PD_STORE_SCHEMA_VERSION; version++)
    {
      /* A constant from this file, not user input (PRAGMA binds nothing). */
      g_autofree char *bump =
        g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT, version + 1);

      ok = TRUE;
      for (guint i = 0; ok && i < MIGRATION_TEXTS && migrations[version][i] != NULL; i++)
        ok = store_exec (store, migrations[version][i], error);
      ok = ok && store_exec (store, bump, error);
      if (!ok)
        g_prefix_error (error, _("Upgrade to schema version %" PRId64
                                 " failed: "), version + 1);
    }
  return store_finish (store, ok, error);
}
