/* SPDX-License-Identifier: MIT
 *
 * prospectctl status --by: the prospect file per segment (a source, the
 * sector, the city, or any column of the file kept as an attribute),
 * each with its prospects reached, arid, latent and active, and the two
 * rates calls measure — accessibility (active ÷ reached) and contacts
 * per prospect — beside the counts behind them (src/segment.c). Text,
 * --json or --csv. Reading never creates a database.
 */
#define G_LOG_DOMAIN "prospectctl"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "ctl.h"
#include "prospectd/format.h"
#include "prospectd/segment.h"
#include "prospectd/store-prospects.h"

/* Right-aligned in `width` characters (printf counts bytes). */
static void
print_right (const char *text, int width)
{
  printf (" %*s%s", MAX (width - (int) g_utf8_strlen (text, -1), 0), "", text);
}

static void
print_count (gint64 value, int width)
{
  g_autofree char *text = pd_format_count (value);
  print_right (text, width);
}

/* The name shown for a segment: "(none)" for prospects without a value,
 * names printable on one line. */
static char *
segment_label (const PdSegment *s)
{
  return s->name[0] == '\0' ? g_strdup (_("(none)")) : pd_ctl_printable_text (s->name);
}

/* "50.0% (2/4)", or "- (0/0)" without anyone reached. */
static char *
accessibility_text (const PdSegment *s)
{
  g_autofree char *rate = s->has_accessibility ? pd_format_rate_fixed (s->accessibility_rate, 1) : g_strdup ("-");
  g_autofree char *active = pd_format_count (s->active), *reached = pd_format_count (s->reached);

  return g_strdup_printf ("%s (%s/%s)", rate, active, reached);
}

/* "2.25 (9/4)". */
static char *
per_prospect_text (const PdSegment *s)
{
  g_autofree char *ratio = s->has_contacts_per_prospect ? pd_format_decimal_fixed (s->contacts_per_prospect, 2)
                                                         : g_strdup ("-");
  g_autofree char *contacts = pd_format_count (s->contacts), *reached = pd_format_count (s->reached);

  return g_strdup_printf ("%s (%s/%s)", ratio, contacts, reached);
}

static void
print_text (const PdCampaign *campaign, const char *by, const char *rep, const GArray *segments)
{
  glong width = MAX (12, g_utf8_strlen (by, -1));
  glong rate_width = g_utf8_strlen (_("accessibility (active/reached)"), -1);

  for (guint i = 0; i < segments->len; i++)
    {
      g_autofree char *label = segment_label (&g_array_index (segments, PdSegment, i));
      g_autofree char *rate = accessibility_text (&g_array_index (segments, PdSegment, i));
      width = MAX (width, g_utf8_strlen (label, -1));
      rate_width = MAX (rate_width, g_utf8_strlen (rate, -1));
    }

  if (rep != NULL)
    /* TRANSLATORS: "New customers Q1 2027 (example), alice's prospects by source" */
    printf (_("%s (%s), %s's prospects by %s\n\n"), campaign->name, campaign->id, rep, by);
  else
    /* TRANSLATORS: "New customers Q1 2027 (example), prospects by source" */
    printf (_("%s (%s), prospects by %s\n\n"), campaign->name, campaign->id, by);
  if (segments->len == 0)
    {
      printf ("%s\n", _("no prospects"));
      return;
    }
  {
    g_autofree char *header = pd_format_pad (by, (guint) width);
    g_autofree char *rate_header = pd_format_pad (_("accessibility (active/reached)"), (guint) rate_width);

    printf ("%s", header);
    print_right (_("prospects"), 9);
    print_right (_("reached"), 8);
    print_right (_("arid"), 6);
    print_right (_("latent"), 6);
    print_right (_("active"), 6);
    printf ("  %s  %s\n", rate_header, _("contacts per prospect (contacts/reached)"));
  }
  for (guint i = 0; i < segments->len; i++)
    {
      const PdSegment *s = &g_array_index (segments, PdSegment, i);
      g_autofree char *label = segment_label (s);
      g_autofree char *padded = pd_format_pad (label, (guint) width);
      g_autofree char *rate = accessibility_text (s);
      g_autofree char *rate_padded = pd_format_pad (rate, (guint) rate_width);
      g_autofree char *per_prospect = per_prospect_text (s);

      printf ("%s", padded);
      print_count (s->prospects, 9);
      print_count (s->reached, 8);
      print_count (s->arid, 6);
      print_count (s->latent, 6);
      print_count (s->active, 6);
      printf ("  %s  %s\n", rate_padded, per_prospect);
    }
}

static void
print_json (const PdCampaign *campaign, const char *by, const char *rep, const GArray *segments)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  pd_ctl_json_string (b, "campaign", campaign->id);
  pd_ctl_json_string (b, "by", by);
  pd_ctl_json_string (b, "rep", rep);
  json_builder_set_member_name (b, "segments");
  json_builder_begin_array (b);
  for (guint i = 0; i < segments->len; i++)
    {
      const PdSegment *s = &g_array_index (segments, PdSegment, i);
      g_autofree char *rate = s->has_accessibility ? pd_format_rate (s->accessibility_rate) : NULL;
      g_autofree char *per_prospect = s->has_contacts_per_prospect ? pd_format_decimal (s->contacts_per_prospect)
                                                                   : NULL;

      json_builder_begin_object (b);
      pd_ctl_json_string (b, "segment", s->name[0] != '\0' ? s->name : NULL);
      pd_ctl_json_int (b, "prospects", s->prospects);
      pd_ctl_json_int (b, "reached", s->reached);
      pd_ctl_json_int (b, "arid", s->arid);
      pd_ctl_json_int (b, "latent", s->latent);
      pd_ctl_json_int (b, "active", s->active);
      pd_ctl_json_int (b, "contacts", s->contacts);
      pd_ctl_json_string (b, "accessibility_rate", rate);
      pd_ctl_json_string (b, "contacts_per_prospect", per_prospect);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  pd_ctl_print_json (root);
}

static char *
int_text (gint64 value)
{
  return g_strdup_printf ("%" PRId64, value);
}

static void
print_csv (const char *by, const GArray *segments)
{
  const char *header[] = { by, "prospects", "reached", "arid", "latent", "active", "accessibility_rate_percent",
                           "contacts", "contacts_per_prospect" };

  pd_ctl_csv_row (header, G_N_ELEMENTS (header));
  for (guint i = 0; i < segments->len; i++)
    {
      const PdSegment *s = &g_array_index (segments, PdSegment, i);
      g_autofree char *prospects = int_text (s->prospects), *reached = int_text (s->reached);
      g_autofree char *arid = int_text (s->arid), *latent = int_text (s->latent), *active = int_text (s->active);
      g_autofree char *contacts = int_text (s->contacts);
      /* Percent as a plain number: "50", not "50%". */
      g_autofree char *rate = s->has_accessibility ? pd_format_decimal (s->accessibility_rate * 100) : NULL;
      g_autofree char *per_prospect = s->has_contacts_per_prospect ? pd_format_decimal (s->contacts_per_prospect)
                                                                   : NULL;
      const char *row[] = { s->name, prospects, reached, arid, latent, active, rate, contacts, per_prospect };

      pd_ctl_csv_row (row, G_N_ELEMENTS (row));
    }
}

int
pd_ctl_status_by (PdCtl *ctl, const PdCampaign *campaign, const char *by, const char *rep, gboolean json,
                  gboolean csv)
{
  g_autoptr (PdStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) prospects = NULL;
  g_autoptr (GArray) segments = NULL;
  PdProspectFilter filter = { 0 };
  int status;

  if (by[0] == '\0')
    return pd_ctl_error (PD_EXIT_USAGE, "%s",
                         _("--by: name a segment: source, sector, city, or a column of the prospect file"));
  if ((status = pd_ctl_open_store_for_reading (ctl, &store)) != PD_EXIT_OK)
    return status;
  filter.rep = rep;
  if (store == NULL)
    prospects = g_ptr_array_new ();
  else if ((prospects = pd_store_list_prospects (store, campaign->id, &filter, &error)) == NULL)
    return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
  segments = pd_segments_compute (prospects, by);
  if (json)
    print_json (campaign, by, rep, segments);
  else if (csv)
    print_csv (by, segments);
  else
    print_text (campaign, by, rep, segments);
  return PD_EXIT_OK;
}
