/* SPDX-License-Identifier: MIT
 *
 * Tests of prospect (src/prospect.c): every state move, E.164 numbers
 * for each country known, the country of a time zone, the company and
 * e-mail keys, the matching of rows (new, known, conflicts), the largest
 * remainder and the interleaved assignment, rebalancing. Every expected
 * value was worked out by hand from docs/prospects.md.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "prospectd/prospect.h"

/* ------------------------------------------------------------ moves */

/* The whole table as docs/prospects.md prints it: rows outcomes, columns
 * states new attempted arid latent active proposal won lost; "-" illegal. */
static const char *const expected_moves[PD_OUTCOME_N][PD_PROSPECT_N_STATES] = {
  { "attempted", "attempted", "arid", "latent", "active", "proposal", "-", "lost" },
  { "arid", "arid", "arid", "arid", "arid", "-", "-", "arid" },
  { "latent", "latent", "latent", "latent", "latent", "latent", "-", "latent" },
  { "active", "active", "active", "active", "active", "-", "-", "active" },
  { "-", "-", "-", "-", "proposal", "proposal", "-", "-" },
  { "-", "-", "-", "-", "-", "won", "-", "-" },
  { "-", "-", "-", "-", "lost", "lost", "-", "-" },
};

static void
test_every_move (void **state)
{
  (void) state;
  for (guint o = 0; o < PD_OUTCOME_N; o++)
    for (guint s = 0; s < PD_PROSPECT_N_STATES; s++)
      {
        g_autoptr (GError) error = NULL;
        PdProspectState next = PD_PROSPECT_N_STATES;
        gboolean follow = o == PD_OUTCOME_LATENT;
        gboolean ok = pd_prospect_move ((PdProspectState) s, (PdCallOutcome) o, follow, &next, &error);

        if (g_str_equal (expected_moves[o][s], "-"))
          {
            assert_false (ok);
            assert_true (g_error_matches (error, PD_PROSPECT_ERROR, PD_PROSPECT_ERROR_MOVE));
            assert_int_equal (next, PD_PROSPECT_N_STATES); /* untouched */
          }
        else
          {
            assert_true (ok);
            assert_null (error);
            assert_string_equal (pd_prospect_state_name (next), expected_moves[o][s]);
          }
      }
}

static void
test_move_messages (void **state)
{
  g_autoptr (GError) error = NULL;
  PdProspectState next = PD_PROSPECT_NEW;

  (void) state;
  assert_false (pd_prospect_move (PD_PROSPECT_WON, PD_OUTCOME_NO_ANSWER, FALSE, &next, &error));
  assert_string_equal (error->message, "the prospect is won: no call changes it any more (outcome no-answer)");
  g_clear_error (&error);
  assert_false (pd_prospect_move (PD_PROSPECT_ATTEMPTED, PD_OUTCOME_LATENT, FALSE, &next, &error));
  assert_string_equal (error->message, "latent needs a follow-up date (--follow-up DATE)");
  g_clear_error (&error);
  assert_false (pd_prospect_move (PD_PROSPECT_ACTIVE, PD_OUTCOME_ACTIVE, TRUE, &next, &error));
  assert_string_equal (error->message,
                       "a follow-up date goes with latent (or no-answer on a latent prospect), not with active");
  g_clear_error (&error);
  assert_false (pd_prospect_move (PD_PROSPECT_NEW, PD_OUTCOME_PROPOSAL, FALSE, &next, &error));
  assert_string_equal (error->message, "proposal may not follow new: a proposal follows an active prospect");
  g_clear_error (&error);
  assert_false (pd_prospect_move (PD_PROSPECT_ACTIVE, PD_OUTCOME_WON, FALSE, &next, &error));
  assert_string_equal (error->message, "won may not follow active: a deal is won after a proposal");
  g_clear_error (&error);
  assert_false (pd_prospect_move (PD_PROSPECT_PROPOSAL, PD_OUTCOME_ARID, FALSE, &next, &error));
  assert_string_equal (error->message, "arid may not follow proposal: after a proposal, the outcome is won, lost or latent");
  g_clear_error (&error);
  /* No answer on a latent prospect moves its date. */
  assert_true (pd_prospect_move (PD_PROSPECT_LATENT, PD_OUTCOME_NO_ANSWER, TRUE, &next, &error));
  assert_int_equal (next, PD_PROSPECT_LATENT);
  assert_false (pd_prospect_move (PD_PROSPECT_NEW, PD_OUTCOME_NO_ANSWER, TRUE, &next, &error));
}

static void
test_names (void **state)
{
  PdProspectState s;
  PdCallOutcome o;

  (void) state;
  assert_true (pd_prospect_state_from_name ("proposal", &s));
  assert_int_equal (s, PD_PROSPECT_PROPOSAL);
  assert_false (pd_prospect_state_from_name ("Proposal", &s));
  assert_false (pd_prospect_state_from_name ("no-answer", &s));
  assert_true (pd_call_outcome_from_name ("no-answer", &o));
  assert_int_equal (o, PD_OUTCOME_NO_ANSWER);
  assert_false (pd_call_outcome_from_name ("attempted", &o));
  assert_string_equal (pd_prospect_state_name (PD_PROSPECT_ATTEMPTED), "attempted");
  assert_string_equal (pd_call_outcome_name (PD_OUTCOME_LOST), "lost");
  assert_null (pd_prospect_state_name (PD_PROSPECT_N_STATES));
  assert_false (pd_call_outcome_reached (PD_OUTCOME_NO_ANSWER));
  assert_true (pd_call_outcome_reached (PD_OUTCOME_ARID));
}

/* ----------------------------------------------------------- phones */

static void
assert_phone (const char *text, const char *country, const char *expected)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *e164 = pd_phone_normalize (text, country, &error);

  if (error != NULL)
    fail_msg ("%s (%s): %s", text, country, error->message);
  assert_string_equal (e164, expected);
}

static void
assert_phone_error (const char *text, const char *country, const char *message)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *e164 = pd_phone_normalize (text, country, &error);

  assert_null (e164);
  assert_true (g_error_matches (error, PD_PROSPECT_ERROR, PD_PROSPECT_ERROR_INVALID));
  assert_string_equal (error->message, message);
}

static void
test_phone_france (void **state)
{
  (void) state;
  /* The issue's five ways of writing one number. */
  assert_phone ("01 23 45 67 89", "FR", "+33123456789");
  assert_phone ("01.23.45.67.89", "FR", "+33123456789");
  assert_phone ("+33 1 23 45 67 89", "FR", "+33123456789");
  assert_phone ("0033 1 23 45 67 89", "FR", "+33123456789");
  assert_phone ("+33 (0)1 23 45 67 89", "FR", "+33123456789");
  assert_phone ("01-23-45-67-89", "FR", "+33123456789");
  assert_phone ("01\xc2\xa0" "23\xc2\xa0" "45 67 89", "FR", "+33123456789");
  assert_phone ("+33 01 23 45 67 89", "FR", "+33123456789");
  assert_phone ("06 12 34 56 78", "FR", "+33612345678");
  /* A French campaign calling Belgium writes the code. */
  assert_phone ("+32 2 123 45 67", "FR", "+3221234567");
  assert_phone_error ("1 23 45 67 89", "FR", "'1 23 45 67 89': a national number in FR begins with 0; write it so, or with +33");
  assert_phone_error ("01 23 45 67", "FR", "'01 23 45 67': a number of +33 has 9 digits after the country code, not 7");
  assert_phone_error ("01 23 45 67 89 ext 12", "FR",
                      "'01 23 45 67 89 ext 12': expected a phone number (digits, spaces, dots, dashes, a leading +)");
  assert_phone_error ("", "FR", "'': expected a phone number");
  assert_phone_error ("01 23 45 67 89", NULL,
                      "'01 23 45 67 89': written without a country code, and the campaign's country is not known;"
                      " write +CC... or set [campaign] country");
}

static void
test_phone_countries (void **state)
{
  (void) state;
  assert_phone ("02 123 45 67", "BE", "+3221234567");
  assert_phone ("0470 12 34 56", "BE", "+32470123456");
  assert_phone ("044 668 18 00", "CH", "+41446681800");
  assert_phone ("+41 (0)44 668 18 00", "CH", "+41446681800");
  assert_phone ("26 12 34 56", "LU", "+35226123456");
  assert_phone ("030 1234567", "DE", "+49301234567");
  assert_phone ("+49 (0)30 1234567", "DE", "+49301234567");
  assert_phone ("020 7946 0958", "GB", "+442079460958");
  assert_phone ("07700 900123", "GB", "+447700900123");
  assert_phone ("912 345 678", "ES", "+34912345678");
  assert_phone ("06 1234 5678", "IT", "+390612345678"); /* Italy keeps its 0 */
  assert_phone ("+39 06 1234 5678", "IT", "+390612345678");
  assert_phone ("020 123 4567", "NL", "+31201234567");
  assert_phone ("(212) 555-0123", "US", "+12125550123");
  assert_phone ("1-212-555-0123", "US", "+12125550123");
  assert_phone ("011 33 1 23 45 67 89", "US", "+33123456789");
  assert_phone ("416 555 0123", "CA", "+14165550123");
  assert_phone ("01 234 5678", "IE", "+35312345678");
  assert_phone ("01 234 56 78", "AT", "+4312345678");
  assert_phone ("21 123 4567", "PT", "+351211234567");
  assert_phone ("+377 93 15 20 00", "FR", "+37793152000");
  assert_phone_error ("212 555 012", "US", "'212 555 012': a number of +1 has 10 digits after the country code, not 9");
  assert_phone_error ("+0 123 4567", "FR", "'+0 123 4567': an international number has 7 to 15 digits after +, the first not 0");
  assert_true (pd_phone_country_known ("LU"));
  assert_false (pd_phone_country_known ("XX"));
  assert_false (pd_phone_country_known ("fr"));
}

static void
test_country_for_timezone (void **state)
{
  (void) state;
  assert_string_equal (pd_country_for_timezone ("Europe/Paris"), "FR");
  assert_string_equal (pd_country_for_timezone ("Europe/Brussels"), "BE");
  assert_string_equal (pd_country_for_timezone ("Europe/Zurich"), "CH");
  assert_string_equal (pd_country_for_timezone ("Europe/Luxembourg"), "LU");
  assert_string_equal (pd_country_for_timezone ("Europe/Berlin"), "DE");
  assert_string_equal (pd_country_for_timezone ("Europe/London"), "GB");
  assert_string_equal (pd_country_for_timezone ("Europe/Madrid"), "ES");
  assert_string_equal (pd_country_for_timezone ("Europe/Rome"), "IT");
  assert_string_equal (pd_country_for_timezone ("Europe/Amsterdam"), "NL");
  assert_string_equal (pd_country_for_timezone ("America/New_York"), "US");
  assert_string_equal (pd_country_for_timezone ("America/Toronto"), "CA");
  assert_null (pd_country_for_timezone ("UTC"));
  assert_null (pd_country_for_timezone ("Etc/GMT-1"));
  assert_null (pd_country_for_timezone ("Asia/Tokyo"));
  assert_null (pd_country_for_timezone (NULL));
}

/* ------------------------------------------------------------- keys */

static void
assert_company (const char *name, const char *key)
{
  g_autofree char *got = pd_company_key (name);

  assert_string_equal (got, key);
}

static void
test_company_key (void **state)
{
  (void) state;
  assert_company ("Dupont & Fils S.A.R.L.", "dupontfils");
  assert_company ("DUPONT-FILS", "dupontfils");
  assert_company ("Dupont Fils SARL", "dupontfils");
  assert_company ("Société Générale SA", "societegenerale");
  assert_company ("SOCIETE GENERALE", "societegenerale");
  assert_company ("Müller GmbH", "muller");
  assert_company ("Straße AG", "strasse");
  assert_company ("Acme, Inc.", "acme");
  assert_company ("ACME LLC", "acme");
  assert_company ("Acme Ltd", "acme");
  assert_company ("L'Œuvre SAS", "loeuvre");
  assert_company ("Bâtiments du Sud SASU", "batimentsdusud");
  assert_company ("SCI Les Tilleuls", "lestilleuls");
  assert_company ("EURL Martin", "martin");
  assert_company ("SAS", "");
  assert_company ("", "");
  /* Legal forms are whole words only. */
  assert_company ("Sasha Conseil", "sashaconseil");
}

static void
test_email_key (void **state)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *key = pd_email_key ("  Jean.Dupont@Example.FR ", &error);
  const char *bad[] = { "jean", "@example.fr", "jean@", "jean@example", "jean@@example.fr",
                        "jean dupont@example.fr", "jean@.fr", "a@b.fr;c@d.fr" };

  (void) state;
  assert_null (error);
  assert_string_equal (key, "jean.dupont@example.fr");
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *none = pd_email_key (bad[i], &error);
      g_autofree char *message = g_strdup_printf ("'%s': expected an e-mail address (name@example.com)", bad[i]);

      assert_null (none);
      assert_string_equal (error->message, message);
      g_clear_error (&error);
    }
}

/* ---------------------------------------------------------- matching */

static PdProspect *
row (const char *company, const char *postcode, const char *phone, const char *mobile, const char *email)
{
  PdProspect *p = pd_prospect_new ();

  p->company = g_strdup (company);
  p->postcode = g_strdup (postcode);
  p->phone = g_strdup (phone);
  p->mobile = g_strdup (mobile);
  p->email = g_strdup (email);
  return p;
}

static void
assert_match (const PdProspectIndex *index, const PdProspect *p, PdMatch match, gint64 id, gint64 other,
              const char *key)
{
  gint64 got_id = -1, got_other = -1;
  const char *got_key = "x";

  assert_int_equal (pd_prospect_index_match (index, p, &got_id, &got_other, &got_key), match);
  assert_int_equal (got_id, id);
  assert_int_equal (got_other, other);
  if (key == NULL)
    assert_null (got_key);
  else
    assert_string_equal (got_key, key);
}

static void
test_matching (void **state)
{
  g_autoptr (PdProspectIndex) index = pd_prospect_index_new ();
  g_autoptr (PdProspect) acme = row ("Acme SARL", "75001", "+33123456789", NULL, "contact@acme.fr");
  g_autoptr (PdProspect) bolt = row ("Bolt", "69002", NULL, "+33612345678", NULL);
  g_autoptr (PdProspect) same_phone = row ("ACME", NULL, "+33123456789", NULL, NULL);
  g_autoptr (PdProspect) same_email = row (NULL, NULL, NULL, NULL, "Contact@ACME.fr");
  g_autoptr (PdProspect) same_company = row ("acme s.a.r.l.", "75001", NULL, NULL, NULL);
  g_autoptr (PdProspect) other_postcode = row ("Acme", "13001", NULL, NULL, NULL);
  g_autoptr (PdProspect) phone_clash = row ("Zeta", "75001", "+33123456789", NULL, NULL);
  g_autoptr (PdProspect) two = row (NULL, NULL, "+33612345678", NULL, "contact@acme.fr");
  g_autoptr (PdProspect) mobile_as_phone = row ("Bolt SA", NULL, "+33612345678", NULL, NULL);

  (void) state;
  pd_prospect_index_add (index, 1, acme);
  pd_prospect_index_add (index, 2, bolt);
  assert_match (index, same_phone, PD_MATCH_KNOWN, 1, 0, "phone");
  assert_match (index, same_email, PD_MATCH_KNOWN, 1, 0, "email");
  assert_match (index, same_company, PD_MATCH_KNOWN, 1, 0, "company");
  assert_match (index, other_postcode, PD_MATCH_NEW, 0, 0, NULL);
  assert_match (index, phone_clash, PD_MATCH_CONFLICT, 1, 0, "phone");
  /* Bolt's mobile with Acme's e-mail: two prospects. */
  assert_match (index, two, PD_MATCH_CONFLICT, 2, 1, "email");
  assert_match (index, mobile_as_phone, PD_MATCH_KNOWN, 2, 0, "phone");
}

/* The keys alone: what an import keeps of each row and known prospect,
 * their text in the caller's chunk (the index borrows it). */
static void
test_match_keys (void **state)
{
  g_autoptr (GStringChunk) text = g_string_chunk_new (64);
  g_autoptr (PdProspectIndex) index = pd_prospect_index_new ();
  g_autoptr (PdProspect) acme = row ("Dupont & Fils S.A.R.L.", " 75001 ", "+33123456789", "+33612345678",
                                     " Contact@ACME.fr ");
  g_autoptr (PdProspect) nameless = row (NULL, NULL, NULL, NULL, "pas une adresse");
  g_autoptr (PdProspect) same_company = row ("DUPONT-FILS", "75001", NULL, NULL, NULL);
  g_autoptr (PdProspect) by_mobile = row ("Zeta", NULL, "+33612345678", NULL, NULL);
  PdMatchKeys keys, none, other;
  gint64 id = -1, second = -1;
  const char *key = NULL;

  (void) state;
  pd_match_keys_of (acme, text, &keys);
  assert_string_equal (keys.phone, "+33123456789");
  assert_string_equal (keys.mobile, "+33612345678");
  assert_string_equal (keys.email, "contact@acme.fr");
  assert_string_equal (keys.company, "dupontfils");
  assert_string_equal (keys.company_postcode, "dupontfils\x1f" "75001");
  pd_match_keys_of (nameless, text, &none);
  assert_null (none.phone);
  assert_null (none.mobile);
  assert_null (none.email);
  assert_string_equal (none.company, "");
  assert_null (none.company_postcode);

  pd_prospect_index_add_keys (index, 7, &keys);
  pd_match_keys_of (same_company, text, &other);
  assert_int_equal (pd_prospect_index_match_keys (index, &other, &id, &second, &key), PD_MATCH_KNOWN);
  assert_int_equal (id, 7);
  assert_int_equal (second, 0);
  assert_string_equal (key, "company");
  pd_match_keys_of (by_mobile, text, &other);
  assert_int_equal (pd_prospect_index_match_keys (index, &other, &id, &second, &key), PD_MATCH_CONFLICT);
  assert_int_equal (id, 7);
  assert_string_equal (key, "phone");
  assert_int_equal (pd_prospect_index_match_keys (index, &none, &id, &second, &key), PD_MATCH_NEW);
  assert_int_equal (id, 0);
  assert_null (key);
}

/* -------------------------------------------------------- assignment */

static void
test_share (void **state)
{
  const gint64 weights[] = { 1000000, 1000000, 500000 };
  guint64 counts[3];
  const gint64 equal[] = { 1, 1, 1 };

  (void) state;
  /* 10 x (2, 2, 1) / 5 = 4, 4, 2 exactly. */
  pd_prospect_share (10, weights, 3, counts);
  assert_int_equal (counts[0], 4);
  assert_int_equal (counts[1], 4);
  assert_int_equal (counts[2], 2);
  /* 11: 4.4, 4.4, 2.2; the one left goes to the first .4 (tie: earlier). */
  pd_prospect_share (11, weights, 3, counts);
  assert_int_equal (counts[0], 5);
  assert_int_equal (counts[1], 4);
  assert_int_equal (counts[2], 2);
  /* 13: 5.2, 5.2, 2.6: the .6 first. */
  pd_prospect_share (13, weights, 3, counts);
  assert_int_equal (counts[0], 5);
  assert_int_equal (counts[1], 5);
  assert_int_equal (counts[2], 3);
  /* 2 among 3 equal: the first two. */
  pd_prospect_share (2, equal, 3, counts);
  assert_int_equal (counts[0], 1);
  assert_int_equal (counts[1], 1);
  assert_int_equal (counts[2], 0);
  pd_prospect_share (0, equal, 3, counts);
  assert_int_equal (counts[0] + counts[1] + counts[2], 0);
}

static void
test_assign_interleaved (void **state)
{
  const gint64 weights[] = { 2, 1 };
  guint reps[6];
  const guint expected[6] = { 0, 1, 0, 0, 1, 0 };

  (void) state;
  /* Shares 4 and 2. Item k goes to the largest counts*(k+1) - assigned*6:
   * k0: 4, 2 -> 0; k1: 8-6, 4 -> 1; k2: 12-6, 6-6 -> 0; k3: 16-12, 8-6 -> 0;
   * k4: 20-18, 10-6 -> 1; k5: 24-18, 12-12 -> 0. */
  pd_prospect_assign (6, weights, 2, reps);
  for (guint i = 0; i < 6; i++)
    assert_int_equal (reps[i], expected[i]);
}

static void
test_rebalance (void **state)
{
  const gint64 weights[] = { 1, 1, 1 };
  /* Six items: rep 0 has four, rep 1 two, rep 2 (who joined) none. */
  const guint current[6] = { 0, 0, 1, 0, 1, 0 };
  const guint expected[6] = { 0, 0, 1, 2, 1, 2 };
  /* A rep who left (G_MAXUINT): its items go to the others. */
  const guint left[4] = { G_MAXUINT, 0, G_MAXUINT, 1 };
  const gint64 two[] = { 1, 1 };
  const guint expected_left[4] = { 0, 0, 1, 1 };
  guint reps[6];

  (void) state;
  assert_int_equal (pd_prospect_rebalance (6, current, weights, 3, reps), 2);
  for (guint i = 0; i < 6; i++)
    assert_int_equal (reps[i], expected[i]);
  assert_int_equal (pd_prospect_rebalance (4, left, two, 2, reps), 2);
  for (guint i = 0; i < 4; i++)
    assert_int_equal (reps[i], expected_left[i]);
  /* Balanced already: nothing moves. */
  assert_int_equal (pd_prospect_rebalance (4, expected_left, two, 2, reps), 0);
}

static void
test_record (void **state)
{
  g_autoptr (PdProspect) p = pd_prospect_new ();

  (void) state;
  assert_int_equal (p->state, PD_PROSPECT_NEW);
  assert_false (g_date_valid (&p->follow_up));
  p->sector = g_strdup ("industrie");
  pd_prospect_add_attribute (p, "Région", "Sud");
  pd_prospect_add_source (p, "salon", 4);
  assert_string_equal (pd_prospect_field (p, "sector"), "industrie");
  assert_string_equal (pd_prospect_field (p, "Région"), "Sud");
  assert_string_equal (pd_prospect_field (p, "source"), "salon");
  assert_null (pd_prospect_field (p, "région"));
  assert_null (pd_prospect_field (p, "city"));
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_every_move),
    cmocka_unit_test (test_move_messages),
    cmocka_unit_test (test_names),
    cmocka_unit_test (test_phone_france),
    cmocka_unit_test (test_phone_countries),
    cmocka_unit_test (test_country_for_timezone),
    cmocka_unit_test (test_company_key),
    cmocka_unit_test (test_email_key),
    cmocka_unit_test (test_matching),
    cmocka_unit_test (test_share),
    cmocka_unit_test (test_assign_interleaved),
    cmocka_unit_test (test_rebalance),
    cmocka_unit_test (test_match_keys),
    cmocka_unit_test (test_record),
  };

  return cmocka_run_group_tests (tests, NULL, NULL);
}
