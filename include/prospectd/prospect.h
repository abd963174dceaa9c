/* SPDX-License-Identifier: MIT
 *
 * prospect: the prospect file's model (docs/prospects.md). Owns the
 * prospect record, its states and the call outcomes that move them (the
 * one table of legal moves), phone numbers in E.164 for a country, the
 * country a campaign's time zone implies, the keys prospects are matched
 * on (phone, e-mail, company name with its postcode), the matching of a
 * row against the prospects known (new, known, conflict) and the
 * assignment of prospects to reps by weight (largest remainder).
 *
 * Pure: GLib only, no I/O, no clock. The store keeps prospects
 * (store.h), the CSV reader fills them (csv-import.h).
 */
#pragma once

#include <glib.h>

#define PD_PROSPECT_ERROR (pd_prospect_error_quark ())
GQuark pd_prospect_error_quark (void);

typedef enum {
  PD_PROSPECT_ERROR_INVALID, /* a value that is not what it should be (phone, e-mail, name) */
  PD_PROSPECT_ERROR_MOVE,    /* a call outcome that may not follow the prospect's state */
} PdProspectError;

/* Where a prospect stands. A prospect starts new (or active when it came
 * by itself: spontaneous); calls move it (pd_prospect_move()). */
typedef enum {
  PD_PROSPECT_NEW,       /* imported or added, never called */
  PD_PROSPECT_ATTEMPTED, /* called, nobody reached yet */
  PD_PROSPECT_ARID,      /* reached: the offer does not interest them */
  PD_PROSPECT_LATENT,    /* reached: not now, follow up on a date */
  PD_PROSPECT_ACTIVE,    /* reached: can accept a proposal */
  PD_PROSPECT_PROPOSAL,  /* a proposal was made */
  PD_PROSPECT_WON,       /* the deal is signed: final */
  PD_PROSPECT_LOST,      /* the deal went elsewhere */
  PD_PROSPECT_N_STATES
} PdProspectState;

/* What one call came to. */
typedef enum {
  PD_OUTCOME_NO_ANSWER, /* nobody reached (voicemail, switchboard, wrong time) */
  PD_OUTCOME_ARID,
  PD_OUTCOME_LATENT,    /* needs a follow-up date */
  PD_OUTCOME_ACTIVE,
  PD_OUTCOME_PROPOSAL,
  PD_OUTCOME_WON,
  PD_OUTCOME_LOST,
  PD_OUTCOME_N
} PdCallOutcome;

/* The names used in commands, JSON, CSV and the store: "new",
 * "attempted", "arid", "latent", "active", "proposal", "won", "lost";
 * "no-answer", "arid", ... "lost". Static strings; NULL out of range. */
const char *pd_prospect_state_name (PdProspectState state);
const char *pd_call_outcome_name (PdCallOutcome outcome);

/* The state or outcome called `name` (exactly as above). FALSE when there
 * is none; ret_* written only on success. */
gboolean pd_prospect_state_from_name (const char *name, PdProspectState *ret_state);
gboolean pd_call_outcome_from_name (const char *name, PdCallOutcome *ret_outcome);

/* Whether a call with this outcome reached someone (every outcome but
 * no-answer). */
gboolean pd_call_outcome_reached (PdCallOutcome outcome);

/* The one table of legal moves (docs/prospects.md): the state a prospect
 * in `state` takes after a call of `outcome`, written to ret_state.
 * `follow_up_given`: the call names a follow-up date. Refused with
 * PD_PROSPECT_ERROR_MOVE (a message naming both ends): any call of a won
 * prospect; latent without a follow-up date; a follow-up date with any
 * outcome but latent, or no-answer on a latent prospect (which moves the
 * date); proposal unless active or proposal already; won unless proposal;
 * lost unless active or proposal; arid from proposal (that is lost). */
gboolean pd_prospect_move (PdProspectState state,
                           PdCallOutcome outcome,
                           gboolean follow_up_given,
                           PdProspectState *ret_state,
                           GError **error);

/* --------------------------------------------------------- the record */

/* A column of the prospect's file that is none of the known fields, kept
 * as it was (name as in the header, value as in the row). */
typedef struct {
  char *name;
  char *value;
} PdAttribute;

/* A file a prospect was found in, and where. */
typedef struct {
  char *source;  /* the name given at import (--source), or "added" */
  gint64 line;   /* the row's first line in the file (1: the header); 0 for none */
} PdProspectSource;

typedef struct {
  gint64 id;              /* assigned by the store; 0 until stored */
  char *campaign;
  char *rep;              /* who calls it; NULL: nobody yet */
  char *company;          /* never NULL nor empty once stored */
  char *contact;          /* last name or full name, or NULL */
  char *first_name;
  char *phone;            /* E.164 (+33123456789), or NULL */
  char *mobile;           /* E.164, or NULL */
  char *email;            /* as written (trimmed), or NULL */
  char *city;
  char *postcode;
  char *sector;
  char *size;
  char *notes;
  GPtrArray *attributes;  /* PdAttribute*, owned, in the file's column order */
  PdProspectState state;
  gint64 attempts;        /* calls made to it */
  GDate follow_up;        /* latent: when to call again; invalid: none */
  gboolean spontaneous;   /* came by itself (reputation, prescriber, recommendation) */
  char *prescriber;       /* who sent it, or NULL */
  char *recommended_by;   /* the former customer who recommended it, or NULL */
  gint64 import_order;    /* rank in the campaign's imports: the order of new prospects */
  GPtrArray *sources;     /* PdProspectSource*, owned, by source then line */
  gint64 created;         /* Unix seconds; 0 when adding means now */
} PdProspect;

/* A new prospect: everything NULL or 0, state new, follow_up invalid,
 * empty attribute and source arrays. */
PdProspect *pd_prospect_new (void);
void pd_prospect_free (PdProspect *prospect);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdProspect, pd_prospect_free)

/* Appends an attribute / a source (strings copied). */
void pd_prospect_add_attribute (PdProspect *prospect, const char *name, const char *value);
void pd_prospect_add_source (PdProspect *prospect, const char *source, gint64 line);

/* The value of attribute `name` (byte-exact) or of the known field of
 * that name ("sector", "city", "size", "postcode", "company", "contact",
 * "source" gives the first source), or NULL. Owned by the prospect. */
const char *pd_prospect_field (const PdProspect *prospect, const char *name);

void pd_attribute_free (PdAttribute *attribute);
void pd_prospect_source_free (PdProspectSource *source);

/* One call: what happened when a rep called a prospect. */
typedef struct {
  gint64 id;               /* assigned by the store */
  char *campaign;
  gint64 prospect;         /* 0 once the prospect was erased */
  char *rep;
  GDate date;
  PdCallOutcome outcome;
  GDate follow_up;         /* invalid: none */
  gint64 revenue_cents;    /* >= 0; a won deal's amount */
  char *note;              /* or NULL */
  PdProspectState state_before; /* set by the store when recorded */
  PdProspectState state_after;
  gint64 created;          /* Unix seconds; 0 when adding means now */
} PdCall;

PdCall *pd_call_new (void);
void pd_call_free (PdCall *call);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdCall, pd_call_free)

/* --------------------------------------------------------- the keys */

/* The ISO 3166 countries whose numbers pd_phone_normalize() knows how to
 * read written nationally: FR BE CH LU MC DE AT NL GB IE ES PT IT US CA.
 * Whether `country` (two uppercase letters) is one. */
gboolean pd_phone_country_known (const char *country);

/* `text` as an E.164 number ("+33123456789"), newly allocated, for a
 * number written in `country`'s national form (its trunk prefix: 0 in
 * FR, BE, CH, DE, AT, NL, GB, IE; 1 in US and CA; none in LU, MC, ES, PT,
 * IT, where a leading 0 belongs to the number) or in international form
 * (+CC, 00CC, 011CC from US/CA; a "(0)" after the country code, or a
 * trunk 0 written after it, is dropped). Spaces (also no-break), dots,
 * dashes, slashes and parentheses are ignored. NULL with
 * PD_PROSPECT_ERROR_INVALID for anything else: letters, too few or too
 * many digits for the country (E.164: at most 15). An empty or blank
 * `text` is an error too: the caller decides what an absent phone means. */
char *pd_phone_normalize (const char *text, const char *country, GError **error);

/* The country a campaign's IANA time zone implies, when one zone names
 * one country (Europe/Paris: FR, Europe/Brussels: BE, America/Toronto:
 * CA, ...): a static string, or NULL for a zone shared or unknown (UTC,
 * Etc/GMT+1, ...): the campaign must then say [campaign] country. */
const char *pd_country_for_timezone (const char *timezone);

/* The key of a company name: casefolded, accents removed, punctuation
 * ignored (dots removed, other marks as spaces), legal forms dropped (SA,
 * SARL, SAS, SASU, EURL, SCI, SNC, SCOP, SELARL, GmbH, AG, KG, Ltd,
 * Limited, LLC, LLP, Inc, Corp, PLC, BV, NV, SRL, SpA, SL, SARLU), the
 * remaining words joined without spaces. "Dupont & Fils S.A.R.L." and
 * "DUPONT-FILS" are both "dupontfils". Newly allocated; "" when nothing
 * is left. */
char *pd_company_key (const char *name);

/* The key of an e-mail address: trimmed and casefolded. NULL with
 * PD_PROSPECT_ERROR_INVALID unless it has one '@' with text on both
 * sides, a dot in the domain, and no space. */
char *pd_email_key (const char *email, GError **error);

/* -------------------------------------------------------- matching */

/* The prospects known to an import, by key, and the decision for a row. */
typedef struct _PdProspectIndex PdProspectIndex;

PdProspectIndex *pd_prospect_index_new (void);
void pd_prospect_index_free (PdProspectIndex *index);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdProspectIndex, pd_prospect_index_free)

/* Adds prospect `id` (> 0; any number that names it for the caller) with
 * its keys: phone and mobile, e-mail key, company key with postcode. The
 * index copies what it keeps. A key already held by another id keeps
 * that id. */
void pd_prospect_index_add (PdProspectIndex *index, gint64 id, const PdProspect *prospect);

/* What matching needs of a prospect, and nothing else: its numbers in
 * E.164 (or NULL), its e-mail key (pd_email_key(), or NULL), its
 * company key (pd_company_key(), "" for none) and that key with its
 * trimmed postcode (NULL when the company key is ""). */
typedef struct {
  const char *phone, *mobile, *email, *company, *company_postcode;
} PdMatchKeys;

/* The keys of `prospect`, their text stored in `chunk`. */
void pd_match_keys_of (const PdProspect *prospect, GStringChunk *chunk, PdMatchKeys *ret_keys);

/* pd_prospect_index_add() of keys already made; the index borrows their
 * text, which must outlive it (e.g. a GStringChunk of the caller's). */
void pd_prospect_index_add_keys (PdProspectIndex *index, gint64 id, const PdMatchKeys *keys);

typedef enum {
  PD_MATCH_NEW,      /* no key of the row is known */
  PD_MATCH_KNOWN,    /* every key that matched names one prospect, of the same company */
  PD_MATCH_CONFLICT, /* keys name two prospects, or one of another company */
} PdMatch;

/* What a row is against the index: ret_id is the prospect it is (KNOWN)
 * or clashes with (CONFLICT), else 0; ret_other the second prospect of a
 * conflict between two (else 0); ret_key what matched or clashed:
 * "phone", "mobile", "email" or "company". A conflict: a phone or e-mail
 * of a prospect whose company key differs (both non-empty), or two keys
 * naming two prospects. */
PdMatch pd_prospect_index_match (const PdProspectIndex *index,
                                 const PdProspect *row,
                                 gint64 *ret_id,
                                 gint64 *ret_other,
                                 const char **ret_key);
/* The same, of keys already made. */
PdMatch pd_prospect_index_match_keys (const PdProspectIndex *index,
                                      const PdMatchKeys *keys,
                                      gint64 *ret_id,
                                      gint64 *ret_other,
                                      const char **ret_key);

/* ------------------------------------------------------- assignment */

/* Splits `n_items` among `n_reps` reps of weights `weights` (> 0) by the
 * largest remainder: rep r gets floor(n * w_r / W) and the items left go
 * one each to the largest remainders, ties to the earlier rep. Writes
 * ret_counts (n_reps). */
void pd_prospect_share (guint64 n_items, const gint64 *weights, guint n_reps, guint64 *ret_counts);

/* The rep of each of `n_items` items in order (ret_reps: n_items
 * indexes), interleaved so that each rep's items spread evenly over the
 * order: item k goes to the rep furthest behind its share after k items
 * (ties to the earlier rep). Counts as pd_prospect_share(). */
void pd_prospect_assign (guint64 n_items, const gint64 *weights, guint n_reps, guint *ret_reps);

/* Rebalancing: `current` (n_items) holds each item's rep index, or
 * G_MAXUINT for none (a rep who left). Each rep's share of the n_items
 * is pd_prospect_share()'s; a rep keeps its items in order up to its
 * share, the rest (and the items of nobody) go, in order, to the reps
 * below their share, the one furthest behind first (ties: the earlier
 * rep). Writes ret_reps (n_items); returns how many items changed rep. */
guint64 pd_prospect_rebalance (guint64 n_items, const guint *current, const gint64 *weights, guint n_reps,
                               guint *ret_reps);
