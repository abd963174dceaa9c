/* SPDX-License-Identifier: MIT
 *
 * prospect: the prospect file's model (include/prospectd/prospect.h,
 * docs/prospects.md): states and the legal moves, E.164 numbers, the
 * matching keys, the index an import matches rows against, assignment by
 * weight. Pure: GLib only.
 */
#define G_LOG_DOMAIN "prospectd-prospect"

#include <string.h>

#include <glib/gi18n.h>

#include "prospectd/prospect.h"

G_DEFINE_QUARK (pd-prospect-error-quark, pd_prospect_error)

/* ------------------------------------------------------------ states */

static const char *const state_names[PD_PROSPECT_N_STATES] = {
  "new", "attempted", "arid", "latent", "active", "proposal", "won", "lost",
};

static const char *const outcome_names[PD_OUTCOME_N] = {
  "no-answer", "arid", "latent", "active", "proposal", "won", "lost",
};

const char *
pd_prospect_state_name (PdProspectState state)
{
  return (guint) state < PD_PROSPECT_N_STATES ? state_names[state] : NULL;
}

const char *
pd_call_outcome_name (PdCallOutcome outcome)
{
  return (guint) outcome < PD_OUTCOME_N ? outcome_names[outcome] : NULL;
}

gboolean
pd_prospect_state_from_name (const char *name, PdProspectState *ret_state)
{
  for (guint i = 0; name != NULL && i < PD_PROSPECT_N_STATES; i++)
    if (g_str_equal (name, state_names[i]))
      {
        *ret_state = (PdProspectState) i;
        return TRUE;
      }
  return FALSE;
}

gboolean
pd_call_outcome_from_name (const char *name, PdCallOutcome *ret_outcome)
{
  for (guint i = 0; name != NULL && i < PD_OUTCOME_N; i++)
    if (g_str_equal (name, outcome_names[i]))
      {
        *ret_outcome = (PdCallOutcome) i;
        return TRUE;
      }
  return FALSE;
}

gboolean
pd_call_outcome_reached (PdCallOutcome outcome)
{
  return outcome != PD_OUTCOME_NO_ANSWER;
}

/* The table of legal moves: moves[outcome][state] is the state after the
 * call, or -1 when the call may not follow that state (docs/prospects.md
 * prints this table). Reading across: no answer leaves a reached
 * prospect where it was and makes a new one attempted; a qualifying
 * outcome (arid, latent, active) may follow any state before a proposal,
 * and requalifies an arid or lost prospect; a proposal follows active (or
 * a proposal: a revised one); won follows a proposal; lost follows active
 * or a proposal; nothing follows won. */
#define X (-1)
static const int moves[PD_OUTCOME_N][PD_PROSPECT_N_STATES] = {
  /*              new                    attempted              arid                 latent                active                proposal              won lost */
  [PD_OUTCOME_NO_ANSWER] = { PD_PROSPECT_ATTEMPTED, PD_PROSPECT_ATTEMPTED, PD_PROSPECT_ARID, PD_PROSPECT_LATENT,
                             PD_PROSPECT_ACTIVE, PD_PROSPECT_PROPOSAL, X, PD_PROSPECT_LOST },
  [PD_OUTCOME_ARID] = { PD_PROSPECT_ARID, PD_PROSPECT_ARID, PD_PROSPECT_ARID, PD_PROSPECT_ARID,
                        PD_PROSPECT_ARID, X, X, PD_PROSPECT_ARID },
  [PD_OUTCOME_LATENT] = { PD_PROSPECT_LATENT, PD_PROSPECT_LATENT, PD_PROSPECT_LATENT, PD_PROSPECT_LATENT,
                          PD_PROSPECT_LATENT, PD_PROSPECT_LATENT, X, PD_PROSPECT_LATENT },
  [PD_OUTCOME_ACTIVE] = { PD_PROSPECT_ACTIVE, PD_PROSPECT_ACTIVE, PD_PROSPECT_ACTIVE, PD_PROSPECT_ACTIVE,
                          PD_PROSPECT_ACTIVE, X, X, PD_PROSPECT_ACTIVE },
  [PD_OUTCOME_PROPOSAL] = { X, X, X, X, PD_PROSPECT_PROPOSAL, PD_PROSPECT_PROPOSAL, X, X },
  [PD_OUTCOME_WON] = { X, X, X, X, X, PD_PROSPECT_WON, X, X },
  [PD_OUTCOME_LOST] = { X, X, X, X, PD_PROSPECT_LOST, PD_PROSPECT_LOST, X, X },
};
#undef X

gboolean
pd_prospect_move (PdProspectState state,
                  PdCallOutcome outcome,
                  gboolean follow_up_given,
                  PdProspectState *ret_state,
                  GError **error)
{
  int next;

  g_return_val_if_fail ((guint) state < PD_PROSPECT_N_STATES, FALSE);
  g_return_val_if_fail ((guint) outcome < PD_OUTCOME_N, FALSE);

  if (state == PD_PROSPECT_WON)
    {
      g_set_error (error, PD_PROSPECT_ERROR, PD_PROSPECT_ERROR_MOVE,
                   _("the prospect is won: no call changes it any more (outcome %s)"),
                   outcome_names[outcome]);
      return FALSE;
    }
  if (outcome == PD_OUTCOME_LATENT && !follow_up_given)
    {
      g_set_error (error, PD_PROSPECT_ERROR, PD_PROSPECT_ERROR_MOVE,
                   _("latent needs a follow-up date (--follow-up DATE)"));
      return FALSE;
    }
  if (follow_up_given && outcome != PD_OUTCOME_LATENT
      && !(outcome == PD_OUTCOME_NO_ANSWER && state == PD_PROSPECT_LATENT))
    {
      g_set_error (error, PD_PROSPECT_ERROR, PD_PROSPECT_ERROR_MOVE,
                   _("a follow-up date goes with latent (or no-answer on a latent prospect), not with %s"),
                   outcome_names[outcome]);
      return FALSE;
    }
  next = moves[outcome][state];
  if (next < 0)
    {
      const char *hint = outcome == PD_OUTCOME_PROPOSAL ? _("a proposal follows an active prospect")
                       : outcome == PD_OUTCOME_WON ? _("a deal is won after a proposal")
                       : outcome == PD_OUTCOME_LOST ? _("a deal is lost after active or a proposal")
                       : _("after a proposal, the outcome is won, lost or latent");
      g_set_error (error, PD_PROSPECT_ERROR, PD_PROSPECT_ERROR_MOVE,
                   _("%s may not follow %s: %s"), outcome_names[outcome], state_names[state], hint);
      return FALSE;
    }
  *ret_state = (PdProspectState) next;
  return TRUE;
}

/* ------------------------------------------------------------ record */

PdProspect *
pd_prospect_new (void)
{
  PdProspect *prospect = g_new0 (PdProspect, 1);

  prospect->attributes = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_attribute_free);
  prospect->sources = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_prospect_source_free);
  prospect->state = PD_PROSPECT_NEW;
  g_date_clear (&prospect->follow_up, 1);
  return prospect;
}

void
pd_attribute_free (PdAttribute *attribute)
{
  if (attribute == NULL)
    return;
  g_free (attribute->name);
  g_free (attribute->value);
  g_free (attribute);
}

void
pd_prospect_source_free (PdProspectSource *source)
{
  if (source == NULL)
    return;
  g_free (source->source);
  g_free (source);
}

void
pd_prospect_free (PdProspect *p)
{
  if (p == NULL)
    return;
  g_free (p->campaign);
  g_free (p->rep);
  g_free (p->company);
  g_free (p->contact);
  g_free (p->first_name);
  g_free (p->phone);
  g_free (p->mobile);
  g_free (p->email);
  g_free (p->city);
  g_free (p->postcode);
  g_free (p->sector);
  g_free (p->size);
  g_free (p->notes);
  g_free (p->prescriber);
  g_free (p->recommended_by);
  g_clear_pointer (&p->attributes, g_ptr_array_unref);
  g_clear_pointer (&p->sources, g_ptr_array_unref);
  g_free (p);
}

void
pd_prospect_add_attribute (PdProspect *prospect, const char *name, const char *value)
{
  PdAttribute *attribute = g_new0 (PdAttribute, 1);

  attribute->name = g_strdup (name);
  attribute->value = g_strdup (value);
  g_ptr_array_add (prospect->attributes, attribute);
}

void
pd_prospect_add_source (PdProspect *prospect, const char *source, gint64 line)
{
  PdProspectSource *s = g_new0 (PdProspectSource, 1);

  s->source = g_strdup (source);
  s->line = line;
  g_ptr_array_add (prospect->sources, s);
}

const char *
pd_prospect_field (const PdProspect *p, const char *name)
{
  if (g_str_equal (name, "company"))
    return p->company;
  if (g_str_equal (name, "contact"))
    return p->contact;
  if (g_str_equal (name, "city"))
    return p->city;
  if (g_str_equal (name, "postcode"))
    return p->postcode;
  if (g_str_equal (name, "sector"))
    return p->sector;
  if (g_str_equal (name, "size"))
    return p->size;
  if (g_str_equal (name, "source"))
    return p->sources->len > 0 ? ((PdProspectSource *) p->sources->pdata[0])->source : NULL;
  for (guint i = 0; i < p->attributes->len; i++)
    {
      const PdAttribute *a = p->attributes->pdata[i];
      if (g_str_equal (a->name, name))
        return a->value;
    }
  return NULL;
}

PdCall *
pd_call_new (void)
{
  PdCall *call = g_new0 (PdCall, 1);

  g_date_clear (&call->date, 1);
  g_date_clear (&call->follow_up, 1);
  return call;
}

void
pd_call_free (PdCall *call)
{
  if (call == NULL)
    return;
  g_free (call->campaign);
  g_free (call->rep);
  g_free (call->note);
  g_free (call);
}

/* ------------------------------------------------------------ phones */

typedef struct {
  const char *country;
  const char *code;     /* the country calling code */
  char trunk;           /* the national trunk prefix digit, or 0: none */
  guint min_digits;     /* of the national significant number */
  guint max_digits;
} Numbering;

/* National significant numbers (after the trunk prefix): lengths from
 * each country's numbering plan, mobile and geographic alike. */
static const Numbering numbering[] = {
  { "FR", "33", '0', 9, 9 },
  { "BE", "32", '0', 8, 9 },
  { "CH", "41", '0', 9, 9 },
  { "LU", "352", 0, 4, 11 },
  { "MC", "377", 0, 8, 9 },
  { "DE", "49", '0', 6, 13 },
  { "AT", "43", '0', 4, 13 },
  { "NL", "31", '0', 9, 9 },
  { "GB", "44", '0', 9, 10 },
  { "IE", "353", '0', 7, 9 },
  { "ES", "34", 0, 9, 9 },
  { "PT", "351", 0, 9, 9 },
  { "IT", "39", 0, 6, 11 },
  { "US", "1", '1', 10, 10 },
  { "CA", "1", '1', 10, 10 },
};

static const Numbering *
numbering_of_country (const char *country)
{
  for (guint i = 0; country != NULL && i < G_N_ELEMENTS (numbering); i++)
    if (g_str_equal (numbering[i].country, country))
      return &numbering[i];
  return NULL;
}

/* The plan of the calling code `digits` begins with (the longest code
 * that matches), or NULL. */
static const Numbering *
numbering_of_digits (const char *digits)
{
  const Numbering *best = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (numbering); i++)
    if (g_str_has_prefix (digits, numbering[i].code)
        && (best == NULL || strlen (numbering[i].code) > strlen (best->code)))
      best = &numbering[i];
  return best;
}

gboolean
pd_phone_country_known (const char *country)
{
  return numbering_of_country (country) != NULL;
}

static char *
phone_error (const char *text, const char *expected, GError **error)
{
  g_set_error (error, PD_PROSPECT_ERROR, PD_PROSPECT_ERROR_INVALID, "'%s': %s", text, expected);
  return NULL;
}

char *
pd_phone_normalize (const char *text, const char *country, GError **error)
{
  const Numbering *plan = numbering_of_country (country);
  g_autoptr (GString) digits = g_string_new (NULL);
  gboolean international = FALSE, plus = FALSE;
  const char *p;
  const Numbering *found;
  const char *national;
  gsize length;

  g_return_val_if_fail (text != NULL, NULL);

  /* Keep the digits, a leading +; drop what people put between them. A
   * "(0)" is the trunk prefix written for national callers: dropped. */
  for (p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        return phone_error (text, _("not UTF-8 text"), error);
      if (g_str_has_prefix (p, "(0)"))
        {
          p += 2;
          continue;
        }
      if (c >= '0' && c <= '9')
        g_string_append_c (digits, (char) c);
      else if (c == '+' && digits->len == 0 && !plus)
        plus = TRUE;
      else if (!(g_unichar_isspace (c) || c == 0x00A0 || c == 0x202F || c == '.' || c == '-' || c == '/'
                 || c == '(' || c == ')'))
        return phone_error (text, _("expected a phone number (digits, spaces, dots, dashes, a leading +)"),
                            error);
    }
  if (digits->len == 0)
    return phone_error (text, _("expected a phone number"), error);

  if (plus)
    international = TRUE;
  else if (g_str_has_prefix (digits->str, "00"))
    {
      g_string_erase (digits, 0, 2);
      international = TRUE;
    }
  else if (plan != NULL && plan->trunk == '1' && g_str_has_prefix (digits->str, "011"))
    {
      g_string_erase (digits, 0, 3);
      international = TRUE;
    }

  if (!international)
    {
      if (plan == NULL)
        return phone_error (text, _("written without a country code, and the campaign's country is not known;"
                                    " write +CC... or set [campaign] country"), error);
      if (plan->trunk == '1')
        {
          /* North America: the 1 is optional before ten digits. */
          if (digits->len == 11 && digits->str[0] == '1')
            g_string_erase (digits, 0, 1);
        }
      else if (plan->trunk != 0)
        {
          if (digits->str[0] != plan->trunk)
            {
              g_autofree char *expected =
                g_strdup_printf (_("a national number in %s begins with %c; write it so, or with +%s"),
                                 plan->country, plan->trunk, plan->code);
              return phone_error (text, expected, error);
            }
          g_string_erase (digits, 0, 1);
        }
      g_string_prepend (digits, plan->code);
    }

  found = numbering_of_digits (digits->str);
  if (found != NULL)
    {
      national = digits->str + strlen (found->code);
      /* +33 0123...: a trunk 0 written after the code. */
      if (found->trunk == '0' && national[0] == '0')
        g_string_erase (digits, (gssize) strlen (found->code), 1);
      national = digits->str + strlen (found->code);
      length = strlen (national);
      if (length < found->min_digits || length > found->max_digits)
        {
          g_autofree char *expected = NULL;

          if (found->min_digits == found->max_digits)
            expected = g_strdup_printf (_("a number of +%s has %u digits after the country code, not %u"),
                                        found->code, found->min_digits, (guint) length);
          else
            expected = g_strdup_printf (_("a number of +%s has %u to %u digits after the country code, not %u"),
                                        found->code, found->min_digits, found->max_digits, (guint) length);
          return phone_error (text, expected, error);
        }
    }
  if (digits->len < 7 || digits->len > 15 || digits->str[0] == '0')
    return phone_error (text, _("an international number has 7 to 15 digits after +, the first not 0"), error);
  g_string_prepend_c (digits, '+');
  return g_string_free (g_steal_pointer (&digits), FALSE);
}

/* Zones that name one country. A zone several countries use (UTC,
 * Etc/..., Europe/Rome for IT, SM and VA is still IT's: the others have
 * zones of their own) is absent. */
static const struct {
  const char *zone;
  const char *country;
} zone_countries[] = {
  { "Europe/Paris", "FR" },        { "Europe/Brussels", "BE" },   { "Europe/Zurich", "CH" },
  { "Europe/Luxembourg", "LU" },   { "Europe/Monaco", "MC" },     { "Europe/Berlin", "DE" },
  { "Europe/Busingen", "DE" },     { "Europe/Vienna", "AT" },     { "Europe/Amsterdam", "NL" },
  { "Europe/London", "GB" },       { "Europe/Belfast", "GB" },    { "Europe/Dublin", "IE" },
  { "Europe/Madrid", "ES" },       { "Africa/Ceuta", "ES" },      { "Atlantic/Canary", "ES" },
  { "Europe/Lisbon", "PT" },       { "Atlantic/Madeira", "PT" },  { "Atlantic/Azores", "PT" },
  { "Europe/Rome", "IT" },
  { "America/New_York", "US" },    { "America/Chicago", "US" },   { "America/Denver", "US" },
  { "America/Los_Angeles", "US" }, { "America/Phoenix", "US" },   { "America/Anchorage", "US" },
  { "America/Detroit", "US" },     { "America/Boise", "US" },     { "Pacific/Honolulu", "US" },
  { "America/Indiana/Indianapolis", "US" },
  { "America/Toronto", "CA" },     { "America/Vancouver", "CA" }, { "America/Montreal", "CA" },
  { "America/Edmonton", "CA" },    { "America/Winnipeg", "CA" },  { "America/Halifax", "CA" },
  { "America/St_Johns", "CA" },    { "America/Regina", "CA" },
};

const char *
pd_country_for_timezone (const char *timezone)
{
  for (guint i = 0; timezone != NULL && i < G_N_ELEMENTS (zone_countries); i++)
    if (g_str_equal (zone_countries[i].zone, timezone))
      return zone_countries[i].country;
  return NULL;
}

/* ------------------------------------------------------------- keys */

static const char *const legal_forms[] = {
  "sa", "sarl", "sas", "sasu", "eurl", "sci", "snc", "scop", "selarl", "sarlu", "gmbh", "ag", "kg",
  "ltd", "limited", "llc", "llp", "inc", "corp", "plc", "bv", "nv", "srl", "spa", "sl", NULL,
};

/* Casefolded, without accents (decomposed, combining marks dropped). */
static char *
fold (const char *text)
{
  g_autofree char *folded = g_utf8_casefold (text, -1);
  g_autofree char *decomposed = g_utf8_normalize (folded, -1, G_NORMALIZE_NFKD);
  GString *out = g_string_new (NULL);

  if (decomposed == NULL)
    return g_string_free (out, FALSE);
  for (const char *p = decomposed; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);

      if (type == G_UNICODE_NON_SPACING_MARK || type == G_UNICODE_SPACING_MARK
          || type == G_UNICODE_ENCLOSING_MARK)
        continue;
      /* Letters without a decomposition. */
      if (c == 0x00DF)
        g_string_append (out, "ss");
      else if (c == 0x0153)
        g_string_append (out, "oe");
      else if (c == 0x00E6)
        g_string_append (out, "ae");
      else if (c == 0x00F8)
        g_string_append_c (out, 'o');
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

char *
pd_company_key (const char *name)
{
  g_autofree char *folded = NULL;
  g_autoptr (GString) words = g_string_new (NULL);
  g_autoptr (GString) key = g_string_new (NULL);
  g_auto (GStrv) split = NULL;

  g_return_val_if_fail (name != NULL, NULL);
  if (!g_utf8_validate (name, -1, NULL))
    return g_strdup ("");
  folded = fold (name);
  /* Dots join (S.A.R.L. is sarl), every other mark separates. */
  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '.')
        continue;
      if (g_unichar_isalnum (c))
        g_string_append_unichar (words, c);
      else
        g_string_append_c (words, ' ');
    }
  split = g_strsplit (words->str, " ", -1);
  for (guint i = 0; split[i] != NULL; i++)
    if (split[i][0] != '\0' && !g_strv_contains (legal_forms, split[i]))
      g_string_append (key, split[i]);
  return g_string_free (g_steal_pointer (&key), FALSE);
}

char *
pd_email_key (const char *email, GError **error)
{
  g_autofree char *trimmed = NULL;
  const char *at;

  g_return_val_if_fail (email != NULL, NULL);
  trimmed = g_strstrip (g_strdup (email));
  at = strchr (trimmed, '@');
  if (!g_utf8_validate (trimmed, -1, NULL) || at == NULL || at == trimmed || strchr (at + 1, '@') != NULL
      || strchr (at + 1, '.') == NULL || at[1] == '.' || g_str_has_suffix (trimmed, ".")
      || strpbrk (trimmed, " \t\r\n,;<>") != NULL)
    {
      g_set_error (error, PD_PROSPECT_ERROR, PD_PROSPECT_ERROR_INVALID,
                   _("'%s': expected an e-mail address (name@example.com)"), email);
      return NULL;
    }
  return g_utf8_casefold (trimmed, -1);
}

/* ---------------------------------------------------------- matching */

struct _PdProspectIndex {
  GStringChunk *text;    /* the keys of pd_prospect_index_add() */
  GHashTable *phones;    /* E.164 (borrowed) -> id */
  GHashTable *emails;    /* e-mail key (borrowed) -> id */
  GHashTable *companies; /* company key \x1f postcode (borrowed) -> id */
  GHashTable *company_of; /* id -> company key (borrowed) */
};

PdProspectIndex *
pd_prospect_index_new (void)
{
  PdProspectIndex *index = g_new0 (PdProspectIndex, 1);

  index->text = g_string_chunk_new (4096);
  index->phones = g_hash_table_new (g_str_hash, g_str_equal);
  index->emails = g_hash_table_new (g_str_hash, g_str_equal);
  index->companies = g_hash_table_new (g_str_hash, g_str_equal);
  /* Ids as pointers, as the other tables hold them. */
  index->company_of = g_hash_table_new (g_direct_hash, g_direct_equal);
  return index;
}

void
pd_prospect_index_free (PdProspectIndex *index)
{
  if (index == NULL)
    return;
  g_hash_table_unref (index->phones);
  g_hash_table_unref (index->emails);
  g_hash_table_unref (index->companies);
  g_hash_table_unref (index->company_of);
  g_string_chunk_free (index->text);
  g_free (index);
}

static char *
company_postcode_key (const char *company_key, const char *postcode)
{
  g_autofree char *code = g_strdup (postcode != NULL ? postcode : "");

  g_strstrip (code);
  return g_strconcat (company_key, "\x1f", code, NULL);
}

void
pd_match_keys_of (const PdProspect *prospect, GStringChunk *chunk, PdMatchKeys *ret_keys)
{
  g_autofree char *company = pd_company_key (prospect->company != NULL ? prospect->company : "");
  g_autofree char *email = prospect->email != NULL ? pd_email_key (prospect->email, NULL) : NULL;
  g_autofree char *both = company[0] != '\0' ? company_postcode_key (company, prospect->postcode) : NULL;

  ret_keys->phone = prospect->phone != NULL ? g_string_chunk_insert (chunk, prospect->phone) : NULL;
  ret_keys->mobile = prospect->mobile != NULL ? g_string_chunk_insert (chunk, prospect->mobile) : NULL;
  ret_keys->email = email != NULL ? g_string_chunk_insert (chunk, email) : NULL;
  ret_keys->company = g_string_chunk_insert (chunk, company);
  ret_keys->company_postcode = both != NULL ? g_string_chunk_insert (chunk, both) : NULL;
}

static void
put (GHashTable *table, const char *key, gint64 id)
{
  if (key != NULL && key[0] != '\0' && !g_hash_table_contains (table, key))
    g_hash_table_insert (table, (gpointer) key, GSIZE_TO_POINTER ((gsize) id));
}

void
pd_prospect_index_add_keys (PdProspectIndex *index, gint64 id, const PdMatchKeys *keys)
{
  g_return_if_fail (id > 0);
  put (index->phones, keys->phone, id);
  put (index->phones, keys->mobile, id);
  put (index->emails, keys->email, id);
  put (index->companies, keys->company_postcode, id);
  g_hash_table_insert (index->company_of, GSIZE_TO_POINTER ((gsize) id),
                       (gpointer) (keys->company != NULL ? keys->company : ""));
}

void
pd_prospect_index_add (PdProspectIndex *index, gint64 id, const PdProspect *prospect)
{
  PdMatchKeys keys;

  g_return_if_fail (id > 0);
  pd_match_keys_of (prospect, index->text, &keys);
  pd_prospect_index_add_keys (index, id, &keys);
}

static gint64
lookup (GHashTable *table, const char *key)
{
  gpointer value;

  if (key == NULL || key[0] == '\0' || !g_hash_table_lookup_extended (table, key, NULL, &value))
    return 0;
  return (gint64) GPOINTER_TO_SIZE (value);
}

PdMatch
pd_prospect_index_match_keys (const PdProspectIndex *index,
                              const PdMatchKeys *keys,
                              gint64 *ret_id,
                              gint64 *ret_other,
                              const char **ret_key)
{
  const char *company = keys->company != NULL ? keys->company : "";
  const struct {
    const char *name;
    gint64 id;
  } found[] = {
    { "phone", lookup (index->phones, keys->phone) },
    { "mobile", lookup (index->phones, keys->mobile) },
    { "email", lookup (index->emails, keys->email) },
    { "company", keys->company_postcode != NULL ? lookup (index->companies, keys->company_postcode) : 0 },
  };
  gint64 id = 0;
  const char *key = NULL;

  *ret_id = 0;
  *ret_other = 0;
  *ret_key = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (found); i++)
    {
      const char *known_company;

      if (found[i].id == 0)
        continue;
      if (id != 0 && found[i].id != id)
        {
          /* Two keys, two prospects: never merged. */
          *ret_id = id;
          *ret_other = found[i].id;
          *ret_key = found[i].name;
          return PD_MATCH_CONFLICT;
        }
      known_company = g_hash_table_lookup (index->company_of, GSIZE_TO_POINTER ((gsize) found[i].id));
      if (known_company != NULL && known_company[0] != '\0' && company[0] != '\0'
          && !g_str_equal (known_company, company))
        {
          /* One phone (or e-mail), two companies. */
          *ret_id = found[i].id;
          *ret_key = found[i].name;
          return PD_MATCH_CONFLICT;
        }
      if (id == 0)
        {
          id = found[i].id;
          key = found[i].name;
        }
    }
  if (id == 0)
    return PD_MATCH_NEW;
  *ret_id = id;
  *ret_key = key;
  return PD_MATCH_KNOWN;
}

PdMatch
pd_prospect_index_match (const PdProspectIndex *index,
                         const PdProspect *row,
                         gint64 *ret_id,
                         gint64 *ret_other,
                         const char **ret_key)
{
  g_autoptr (GStringChunk) chunk = g_string_chunk_new (256);
  PdMatchKeys keys;

  pd_match_keys_of (row, chunk, &keys);
  return pd_prospect_index_match_keys (index, &keys, ret_id, ret_other, ret_key);
}

/* -------------------------------------------------------- assignment */

__extension__ typedef unsigned __int128 wide;
__extension__ typedef __int128 signed_wide;

void
pd_prospect_share (guint64 n_items, const gint64 *weights, guint n_reps, guint64 *ret_counts)
{
  wide total = 0;
  guint64 given = 0;
  g_autofree wide *remainders = g_new0 (wide, MAX (n_reps, 1));

  for (guint r = 0; r < n_reps; r++)
    total += (wide) (weights[r] > 0 ? weights[r] : 0);
  for (guint r = 0; r < n_reps; r++)
    {
      wide product = (wide) n_items * (wide) (weights[r] > 0 ? weights[r] : 0);

      ret_counts[r] = total > 0 ? (guint64) (product / total) : 0;
      remainders[r] = total > 0 ? product % total : 0;
      given += ret_counts[r];
    }
  /* The items left, one each to the largest remainders; ties to the
   * earlier rep. At most n_reps - 1 rounds. */
  while (total > 0 && given < n_items)
    {
      guint best = G_MAXUINT;

      for (guint r = 0; r < n_reps; r++)
        if (weights[r] > 0 && (best == G_MAXUINT || remainders[r] > remainders[best]))
          best = r;
      ret_counts[best]++;
      remainders[best] = 0;
      given++;
    }
}

/* The rep below its count furthest behind its share after `k` + 1 items:
 * the largest counts[r] * (k + 1) - assigned[r] * n, ties to the earlier. */
static guint
furthest_behind (guint64 k, guint64 n, const guint64 *counts, const guint64 *assigned, guint n_reps)
{
  guint best = G_MAXUINT;
  signed_wide best_lag = 0;

  for (guint r = 0; r < n_reps; r++)
    {
      signed_wide lag;

      if (assigned[r] >= counts[r])
        continue;
      lag = (signed_wide) counts[r] * (signed_wide) (k + 1) - (signed_wide) assigned[r] * (signed_wide) n;
      if (best == G_MAXUINT || lag > best_lag)
        {
          best = r;
          best_lag = lag;
        }
    }
  return best;
}

void
pd_prospect_assign (guint64 n_items, const gint64 *weights, guint n_reps, guint *ret_reps)
{
  g_autofree guint64 *counts = g_new0 (guint64, MAX (n_reps, 1));
  g_autofree guint64 *assigned = g_new0 (guint64, MAX (n_reps, 1));

  pd_prospect_share (n_items, weights, n_reps, counts);
  for (guint64 k = 0; k < n_items; k++)
    {
      guint r = furthest_behind (k, n_items, counts, assigned, n_reps);

      ret_reps[k] = r;
      if (r != G_MAXUINT)
        assigned[r]++;
    }
}

guint64
pd_prospect_rebalance (guint64 n_items, const guint *current, const gint64 *weights, guint n_reps,
                       guint *ret_reps)
{
  g_autofree guint64 *counts = g_new0 (guint64, MAX (n_reps, 1));
  g_autofree guint64 *kept = g_new0 (guint64, MAX (n_reps, 1));
  guint64 changed = 0, k = 0;

  pd_prospect_share (n_items, weights, n_reps, counts);
  for (guint64 i = 0; i < n_items; i++)
    {
      guint r = current[i];

      if (r < n_reps && kept[r] < counts[r])
        {
          ret_reps[i] = r;
          kept[r]++;
        }
      else
        ret_reps[i] = G_MAXUINT;
    }
  for (guint64 i = 0; i < n_items; i++)
    {
      guint r;

      if (ret_reps[i] != G_MAXUINT)
        continue;
      r = furthest_behind (k++, n_items, counts, kept, n_reps);
      ret_reps[i] = r;
      if (r != G_MAXUINT)
        kept[r]++;
      changed += r != current[i];
    }
  return changed;
}
