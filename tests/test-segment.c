/* SPDX-License-Identifier: MIT
 *
 * Tests of segment: the exact figures of each segment of a small file —
 * by source (a prospect of two sources counts in both, once however many
 * of its lines), by sector and by an attribute of the file (prospects
 * without a value last, under ""), every state counted where it belongs
 * (proposal, won and lost as active), spontaneous prospects left out,
 * rates rounded down and absent when nobody was reached.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "prospectd/segment.h"

static PdProspect *
prospect (const char *source, const char *sector, const char *size_class, PdProspectState state, gint64 attempts)
{
  PdProspect *p = pd_prospect_new ();

  p->company = g_strdup ("Co");
  p->sector = g_strdup (sector);
  p->state = state;
  p->attempts = attempts;
  if (source != NULL)
    pd_prospect_add_source (p, source, 2);
  if (size_class != NULL)
    pd_prospect_add_attribute (p, "Taille", size_class);
  return p;
}

static GPtrArray *
file (void)
{
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_prospect_free);
  PdProspect *both, *spontaneous;

  g_ptr_array_add (all, prospect ("salon", "industrie", "PME", PD_PROSPECT_ARID, 2));
  g_ptr_array_add (all, prospect ("salon", "industrie", NULL, PD_PROSPECT_LATENT, 3));
  g_ptr_array_add (all, prospect ("salon", "services", "PME", PD_PROSPECT_ACTIVE, 1));
  g_ptr_array_add (all, prospect ("annuaire", "services", "ETI", PD_PROSPECT_ATTEMPTED, 4));
  g_ptr_array_add (all, prospect ("annuaire", NULL, NULL, PD_PROSPECT_NEW, 0));
  g_ptr_array_add (all, prospect ("annuaire", "industrie", "ETI", PD_PROSPECT_WON, 5));
  /* In two files, and twice in one. */
  both = prospect ("annuaire", "services", "PME", PD_PROSPECT_PROPOSAL, 3);
  pd_prospect_add_source (both, "salon", 7);
  pd_prospect_add_source (both, "salon", 9);
  g_ptr_array_add (all, both);
  g_ptr_array_add (all, prospect ("annuaire", "services", NULL, PD_PROSPECT_LOST, 6));
  spontaneous = prospect ("added", "services", NULL, PD_PROSPECT_ACTIVE, 1);
  spontaneous->spontaneous = TRUE;
  g_ptr_array_add (all, spontaneous);
  return all;
}

static void
assert_segment (const GArray *segments, guint i, const char *name, gint64 prospects, gint64 reached, gint64 arid,
                gint64 latent, gint64 active, gint64 contacts, gint64 accessibility, gint64 per_prospect)
{
  const PdSegment *s;

  assert_true (i < segments->len);
  s = &g_array_index (segments, PdSegment, i);
  assert_string_equal (s->name, name);
  assert_int_equal (s->prospects, prospects);
  assert_int_equal (s->reached, reached);
  assert_int_equal (s->arid, arid);
  assert_int_equal (s->latent, latent);
  assert_int_equal (s->active, active);
  assert_int_equal (s->contacts, contacts);
  assert_int_equal (s->has_accessibility, accessibility >= 0);
  assert_int_equal (s->has_contacts_per_prospect, per_prospect >= 0);
  if (accessibility >= 0)
    assert_int_equal (s->accessibility_rate, accessibility);
  if (per_prospect >= 0)
    assert_int_equal (s->contacts_per_prospect, per_prospect);
}

static void
test_by_source (void **state)
{
  (void) state;
  g_autoptr (GPtrArray) all = file ();
  g_autoptr (GArray) segments = pd_segments_compute (all, "source");

  assert_int_equal (segments->len, 2);
  /* annuaire: attempted, new, won, proposal, lost: 3 reached, all active;
   * 4 + 0 + 5 + 3 + 6 = 18 calls. */
  assert_segment (segments, 0, "annuaire", 5, 3, 0, 0, 3, 18, 1000000, 6000000);
  /* salon: arid, latent, active and the proposal (once): 4 reached, 2
   * active (50 %); 2 + 3 + 1 + 3 = 9 calls, 2.25 a prospect. */
  assert_segment (segments, 1, "salon", 4, 4, 1, 1, 2, 9, 500000, 2250000);
}

static void
test_by_field (void **state)
{
  (void) state;
  g_autoptr (GPtrArray) all = file ();
  g_autoptr (GArray) sectors = pd_segments_compute (all, "sector");
  g_autoptr (GArray) sizes = pd_segments_compute (all, "Taille");
  g_autoptr (GArray) nothing = pd_segments_compute (all, "no such column");

  assert_int_equal (sectors->len, 3);
  /* industrie: arid, latent, won: 1 active of 3 reached (33.3333 %). */
  assert_segment (sectors, 0, "industrie", 3, 3, 1, 1, 1, 10, 333333, 3333333);
  /* services: active, attempted, proposal, lost (spontaneous aside). */
  assert_segment (sectors, 1, "services", 4, 3, 0, 0, 3, 14, 1000000, 4666666);
  /* No sector: a new prospect, never called: no rate. */
  assert_segment (sectors, 2, "", 1, 0, 0, 0, 0, 0, -1, -1);

  assert_int_equal (sizes->len, 3);
  assert_segment (sizes, 0, "ETI", 2, 1, 0, 0, 1, 9, 1000000, 9000000);
  assert_segment (sizes, 1, "PME", 3, 3, 1, 0, 2, 6, 666666, 2000000);
  assert_segment (sizes, 2, "", 3, 2, 0, 1, 1, 9, 500000, 4500000);

  assert_int_equal (nothing->len, 1);
  assert_segment (nothing, 0, "", 8, 6, 1, 1, 4, 24, 666666, 4000000);
}

static void
test_empty (void **state)
{
  (void) state;
  g_autoptr (GPtrArray) none = g_ptr_array_new ();
  g_autoptr (GArray) segments = pd_segments_compute (none, "city");

  assert_int_equal (segments->len, 0);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_by_source),
    cmocka_unit_test (test_by_field),
    cmocka_unit_test (test_empty),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
