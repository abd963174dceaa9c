/* SPDX-License-Identifier: MIT
 *
 * segment: the prospect file cut into segments (`prospectctl status
 * --by`): per source, sector, city or any attribute of the file, the
 * prospects reached, how many are arid, latent and active, the calls
 * made, and the two rates the method reads from them — accessibility
 * (active ÷ reached) and contacts per prospect (calls ÷ reached) — each
 * with the counts behind it. Where to prospect next.
 *
 * Pure: prospects come in (as the store holds them), segments come out.
 * A prospect reached is one a call reached: arid, latent, active or past
 * active (proposal, won, lost count as active: they were). Spontaneous
 * prospects came by themselves and are left out: no call found them. A
 * prospect found in several sources counts in each of them (the sources
 * overlap), so that each source's rates are its own.
 */
#pragma once

#include <glib.h>
#include "prospectd/prospect.h"

typedef struct {
  char *name;          /* the segment's value; "" for prospects without one; owned */
  gint64 prospects;    /* in the file (spontaneous ones aside) */
  gint64 reached;      /* arid + latent + active */
  gint64 arid;
  gint64 latent;
  gint64 active;       /* active, proposal, won or lost */
  gint64 contacts;     /* calls made to the segment's prospects, reached or not */
  gboolean has_accessibility; /* reached > 0 */
  gint64 accessibility_rate;  /* active ÷ reached, millionths (PD_MILLI), rounded down */
  gboolean has_contacts_per_prospect; /* reached > 0 */
  gint64 contacts_per_prospect; /* contacts ÷ reached, millionths, rounded down */
} PdSegment;

/* The segments of `prospects` (PdProspect*) by `by`: "source" (each of a
 * prospect's sources), else the prospect's field of that name
 * (pd_prospect_field(): sector, city, size, postcode, or an attribute of
 * the file, byte-exact). Returns a new GArray of PdSegment (freeing their
 * names), in byte order of the name, the segment "" (no value) last. */
GArray *pd_segments_compute (const GPtrArray *prospects, const char *by);
