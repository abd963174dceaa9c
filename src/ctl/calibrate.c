/* SPDX-License-Identifier: MIT
 *
 * prospectctl calibrate: the next campaign's [plan] rates from the
 * outcomes of one or more campaigns, finished or running.
 *
 * Each CAMPAIGN is a campaign id or file, as for every command; the
 * outcomes each has logged up to today (--now, in its time zone) are
 * pooled as counts (src/calibrate.c) and the last one named is the base
 * of the next plan (its objective, minutes per contact, rounding, and its
 * average deal and spontaneous prospects when history says too little).
 */
#define G_LOG_DOMAIN "prospectctl"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "ctl.h"
#include "prospectd/calibrate.h"
#include "prospectd/format.h"
#include "prospectd/language.h"
#include "prospectd/progress.h"
#include "prospectd/rates.h"
#include "prospectd/store-prospects.h"

static gboolean opt_json;
static gboolean opt_campaign_file;

static GOptionEntry entries[] = {
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON"), NULL },
  { "campaign-file", 0, 0, G_OPTION_ARG_NONE, &opt_campaign_file,
    N_("Print a [plan] section to paste into the next campaign file"), NULL },
  G_OPTION_ENTRY_NULL
};

/* One campaign read. */
typedef struct {
  PdCampaign *campaign;   /* owned */
  GDate as_of;            /* today in its zone */
  GArray *calls_to_reach; /* gint64 per prospect reached, or NULL; owned */
} Source;

static void
source_clear (gpointer data)
{
  Source *source = data;

  pd_campaign_free (source->campaign);
  g_clear_pointer (&source->calls_to_reach, g_array_unref);
}

/* What the prospect file of a campaign adds, when it has one
 * (pd_calibrate_calls_to_reach()): the calls recorded up to as_of. */
static int
observe_prospects (PdStore *store, Source *source, PdCalibrationSample *sample)
{
  const PdCampaign *campaign = source->campaign;
  PdProspectFilter every = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) prospects = NULL;
  g_autoptr (GPtrArray) calls = NULL;

  prospects = pd_store_list_prospects (store, campaign->id, &every, &error);
  if (prospects == NULL)
    return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
  if (prospects->len == 0)
    return PD_EXIT_OK;
  calls = pd_store_list_calls (store, campaign->id, NULL, 0, NULL, &source->as_of, &error);
  if (calls == NULL)
    return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
  source->calls_to_reach = pd_calibrate_calls_to_reach (prospects, calls, sample);
  if (calls->len > 0)
    sample->calls_to_reach = source->calls_to_reach;
  return PD_EXIT_OK;
}

/* What `campaign` observed to `as_of`: the rates of its reps' days, and
 * their active prospects and proposals (the compensation factor). */
static int
observe (PdStore *store, Source *source, PdCalibrationSample *ret_sample)
{
  const PdCampaign *campaign = source->campaign;
  g_autoptr (GArray) daily = NULL;
  g_autoptr (GError) error = NULL;
  PdCalibrationSample sample = { 0 };

  if (store != NULL)
    {
      daily = pd_store_daily_contacts (store, campaign->id, NULL, &source->as_of, &error);
      if (daily == NULL)
        return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
    }
  pd_progress_observe (campaign, daily, NULL, &source->as_of, NULL, &sample.observed);
  for (guint i = 0; daily != NULL && i < daily->len; i++)
    {
      const PdDailyContacts *day = &g_array_index (daily, PdDailyContacts, i);

      if (pd_campaign_find_rep (campaign, day->rep, NULL) == NULL)
        continue;
      sample.totals.active = MIN (sample.totals.active, G_MAXINT64 - day->active) + day->active;
      sample.totals.proposals = MIN (sample.totals.proposals, G_MAXINT64 - day->proposals) + day->proposals;
    }
  if (store != NULL)
    {
      int status = observe_prospects (store, source, &sample);

      if (status != PD_EXIT_OK)
        return status;
    }
  *ret_sample = sample;
  return PD_EXIT_OK;
}

/* --------------------------------------------------------------- text */

/* The first column: as wide as the longest label in the language spoken,
 * and one more. */
static int label_width = 22;

static void
set_label_width (const char *const *labels, guint n)
{
  label_width = 22;
  for (guint i = 0; i < n; i++)
    label_width = MAX (label_width, (int) g_utf8_strlen (labels[i], -1) + 1);
}

static void
print_right (const char *text, int width)
{
  printf ("%*s%s", MAX (width - (int) g_utf8_strlen (text, -1), 0), "", text);
}

static void
print_left (const char *text, int width)
{
  g_autofree char *padded = pd_format_pad (text, (guint) width);

  printf ("%s", padded);
}

/* A value of the kind of `rate` (a proportion, or a ratio) in millionths
 * of it, for people: a percentage or a decimal, 2 decimals. */
static char *
measure_text (gboolean percent, double value)
{
  gint64 millionths = pd_rates_millionths (value);

  return percent ? pd_format_rate_fixed (millionths, 2) : pd_format_decimal_fixed (millionths, 2);
}

static char *
interval_text (gboolean percent, const PdCalibratedRate *rate)
{
  g_autofree char *lower = NULL, *upper = NULL;

  if (!rate->has_interval)
    return g_strdup ("-");
  lower = measure_text (percent, rate->lower);
  upper = rate->has_upper ? measure_text (percent, rate->upper) : g_strdup ("∞");
  return g_strdup_printf ("%s – %s", lower, upper);
}

/* Why the next plan keeps its fallback, or "". */
static char *
fallback_text (const PdCalibratedRate *rate, gboolean method_default, const char *base)
{
  switch (rate->source)
    {
    case PD_CALIBRATED_TOO_SMALL:
      return method_default ? g_strdup (_("too few to trust (n < 30): the method's default"))
                            : g_strdup_printf (_("too few to trust (n < 30): %s's"), base);
    case PD_CALIBRATED_NONE:
      return method_default ? g_strdup (_("not observed: the method's default"))
                            : g_strdup_printf (_("not observed: %s's"), base);
    case PD_CALIBRATED_OBSERVED:
    default:
      return g_strdup ("");
    }
}

static void
print_row (const char *label, const char *observed, const char *interval, gint64 n, const char *proposed,
           const char *note)
{
  g_autofree char *count = pd_format_count (n);

  print_left (label, label_width);
  print_right (observed, 11);
  printf ("   ");
  print_left (interval, 17);
  print_right (count, 7);
  printf ("   ");
  if (*note == '\0')
    printf ("%s\n", proposed);
  else
    {
      print_left (proposed, 10);
      printf ("  %s\n", note);
    }
}

static void
print_rate_row (const char *label, gboolean percent, const PdCalibratedRate *rate, gboolean method_default,
                const char *base)
{
  g_autofree char *observed = rate->has_observed ? measure_text (percent, rate->observed) : g_strdup ("-");
  g_autofree char *interval = interval_text (percent, rate);
  g_autofree char *proposed = percent ? pd_format_rate (rate->proposed) : pd_format_decimal (rate->proposed);
  g_autofree char *note = fallback_text (rate, method_default, base);

  print_row (label, observed, interval, rate->n, proposed, note);
}

static void
print_effort_row (const char *label, gint64 rate, const PdPlan *plan)
{
  g_autofree char *rate_text = pd_format_rate (rate);
  g_autofree char *prospects = pd_format_count (plan->prospects_to_contact);
  g_autofree char *contacts = pd_format_count (plan->contacts);
  g_autofree char *hours = pd_format_hours (plan->call_minutes);

  print_left (label, label_width);
  print_right (rate_text, 14);
  print_right (prospects, 12);
  print_right (contacts, 10);
  print_right (hours, 16);
  printf ("\n");
}

/* The calls it took to reach each prospect, where calls are recorded
 * per prospect: 1 to 13, then beyond, in columns. */
static void
print_distribution (const PdContactsDistribution *d)
{
  g_autofree char *reached = pd_format_count (d->reached);
  g_autofree char *unreached = pd_format_count (d->unreached);
  const char *calls_label = _("calls"), *reached_label = _("reached");
  int label = MAX ((int) g_utf8_strlen (calls_label, -1), (int) g_utf8_strlen (reached_label, -1)) + 1;
  int width = 4;

  for (guint k = 0; k <= PD_CALIBRATE_MAX_CONTACTS; k++)
    {
      g_autofree char *count = pd_format_count (d->by_calls[k]);
      width = MAX (width, (int) g_utf8_strlen (count, -1) + 1);
    }
  printf ("\n");
  if (d->reached > 0)
    {
      g_autofree char *mean = pd_format_decimal_fixed (pd_rates_millionths (d->mean), 2);
      g_autofree char *median = pd_format_decimal_fixed (pd_rates_millionths (d->median), 1);

      printf (_("calls to reach a prospect (calls recorded per prospect): mean %s, median %s over %s reached; %s not reached yet\n"),
              mean, median, reached, unreached);
    }
  else
    printf (_("calls to reach a prospect (calls recorded per prospect): none reached yet; %s not reached yet\n"),
            unreached);
  printf ("  ");
  print_left (calls_label, label);
  for (guint k = 1; k <= PD_CALIBRATE_MAX_CONTACTS; k++)
    {
      g_autofree char *number = g_strdup_printf ("%u", k);
      print_right (number, width);
    }
  {
    g_autofree char *beyond = g_strdup_printf (">%d", PD_CALIBRATE_MAX_CONTACTS);
    print_right (beyond, width);
  }
  printf ("\n  ");
  print_left (reached_label, label);
  for (guint k = 0; k <= PD_CALIBRATE_MAX_CONTACTS; k++)
    {
      g_autofree char *count = pd_format_count (d->by_calls[k]);
      print_right (count, width);
    }
  printf ("\n");
}

static void
print_text (GArray *sources, const PdCalibration *c)
{
  const Source *last = &g_array_index (sources, Source, sources->len - 1);
  const PdCampaign *base = last->campaign;
  const PdCalibratedRate *deal = &c->average_deal;
  const PdCalibratedRate *spontaneous = &c->spontaneous_prospects;

  printf (ngettext ("calibration from %u campaign; the next plan from %s's\n",
                    "calibration from %u campaigns; the next plan from %s's\n", sources->len),
          sources->len, base->id);
  for (guint i = 0; i < sources->len; i++)
    {
      const Source *s = &g_array_index (sources, Source, i);
      g_autofree char *start = pd_format_date (&s->campaign->start), *end = pd_format_date (&s->campaign->end);
      g_autofree char *as_of = pd_format_date_text (&s->as_of);
      g_autofree char *name = pd_ctl_printable_text (s->campaign->name);

      /* TRANSLATORS: a campaign: its id, name, first and last days. */
      printf (_("  %s (%s): %s – %s, "), s->campaign->id, name, start, end);
      if (g_date_compare (&s->as_of, &s->campaign->end) > 0)
        printf (_("ended\n"));
      else if (g_date_compare (&s->as_of, &s->campaign->start) < 0)
        printf (_("not started, as of %s\n"), as_of);
      else
        printf (_("running, as of %s\n"), as_of);
    }

  {
    const char *labels[] = {
      _("accessibility rate"), _("contacts per prospect"), _("proposals per deal"), _("compensation factor"),
      _("average deal"), _("spontaneous prospects"), _("next plan"), _("interval, low end"), _("interval, high end"),
    };
    set_label_width (labels, G_N_ELEMENTS (labels));
  }
  printf ("\n");
  print_left ("", label_width);
  print_right (_("observed"), 11);
  printf ("   ");
  /* xgettext:no-c-format */
  print_left (_("90 % interval"), 17);
  print_right ("n", 7);
  printf ("   %s\n", _("next plan"));
  print_rate_row (_("accessibility rate"), TRUE, &c->accessibility_rate, TRUE, base->id);
  print_rate_row (_("contacts per prospect"), FALSE, &c->contacts_per_prospect, TRUE, base->id);
  print_rate_row (_("proposals per deal"), FALSE, &c->proposals_per_deal, TRUE, base->id);
  print_rate_row (_("compensation factor"), FALSE, &c->compensation_factor, TRUE, base->id);
  {
    g_autofree char *observed = deal->has_observed
      ? pd_format_money ((gint64) llround (deal->observed), base->currency) : g_strdup ("-");
    g_autofree char *proposed = pd_format_money (deal->proposed, base->currency);
    g_autofree char *note = fallback_text (deal, FALSE, base->id);

    print_row (_("average deal"), observed, "-", deal->n, proposed, note);
  }
  {
    g_autofree char *observed = spontaneous->has_observed
      ? pd_format_decimal_fixed (pd_rates_millionths (spontaneous->observed), 2) : g_strdup ("-");
    g_autofree char *proposed = pd_format_count (spontaneous->proposed);
    g_autofree char *note = spontaneous->source == PD_CALIBRATED_NONE
      ? g_strdup_printf (_("not recorded by log: %s's"), base->id) : g_strdup ("");

    print_row (_("spontaneous prospects"), observed, "-", spontaneous->n, proposed, note);
  }
  printf (_("n: prospects reached, contacts, proposals, active prospects, deals, campaigns\n"));
  if (c->has_distribution)
    print_distribution (&c->distribution);

  g_autofree char *objective = pd_format_money (c->proposed.objective_cents, base->currency);
  printf ("\n");
  printf (_("effort for %s's objective (%s) at the next plan's rates\n"), base->id, objective);
  print_left ("", label_width);
  print_right (_("accessibility"), 14);
  print_right (_("prospects"), 12);
  print_right (_("contacts"), 10);
  print_right (_("call time"), 16);
  printf ("\n");
  print_effort_row (_("next plan"), c->proposed.accessibility_rate, &c->effort);
  if (c->has_effort_low)
    print_effort_row (_("interval, low end"), c->rate_low, &c->effort_low);
  if (c->has_effort_high)
    print_effort_row (_("interval, high end"), c->rate_high, &c->effort_high);
  if (c->accessibility_rate.has_interval && !c->has_effort_low)
    printf (_("  at the interval's low end (0 %%) no number of calls is enough\n"));
}

/* --------------------------------------------------------------- [plan] */

/* An amount as the campaign file writes it: 20000, 1250.50. */
static char *
amount_text (gint64 cents)
{
  if (cents % 100 == 0)
    return g_strdup_printf ("%" PRId64, cents / 100);
  return g_strdup_printf ("%" PRId64 ".%02" PRId64, cents / 100, cents % 100);
}

static void
print_campaign_file (GArray *sources, const PdCalibration *c)
{
  const PdCampaign *base = g_array_index (sources, Source, sources->len - 1).campaign;
  const PdPlanInput *in = &c->proposed;
  g_autoptr (GString) names = g_string_new (NULL);
  g_autofree char *objective = NULL, *deal = NULL, *ppd = NULL, *factor = NULL, *rate = NULL;
  g_autofree char *cpp = NULL, *mpc = NULL, *lower = NULL, *upper = NULL;
  PdLanguageScope plain;

  for (guint i = 0; i < sources->len; i++)
    g_string_append_printf (names, "%s%s", i > 0 ? " " : "", g_array_index (sources, Source, i).campaign->id);

  /* Values as the campaign file reads them, whatever the locale. */
  plain = pd_language_enter_plain_numbers ();
  objective = amount_text (in->objective_cents);
  deal = amount_text (in->average_deal_cents);
  ppd = pd_format_decimal (in->proposals_per_deal);
  factor = pd_format_decimal (in->compensation_factor);
  rate = pd_format_rate (in->accessibility_rate);
  cpp = pd_format_decimal (in->contacts_per_prospect);
  mpc = pd_format_decimal (in->minutes_per_contact);
  pd_language_leave (&plain);

  printf (_("# calibrated by prospectctl calibrate %s\n"), names->str);
  printf ("[plan]\n");
  printf ("objective = %s\n", objective);
  printf ("average_deal = %s\n", deal);
  printf ("proposals_per_deal = %s\n", ppd);
  printf ("compensation_factor = %s\n", factor);
  printf ("spontaneous_prospects = %" PRId64 "\n", in->spontaneous_prospects);
  if (c->accessibility_rate.has_interval)
    {
      lower = measure_text (TRUE, c->accessibility_rate.lower);
      upper = measure_text (TRUE, c->accessibility_rate.upper);
      printf (_("# 90 %% interval %s – %s, n = %" PRId64 "\n"), lower, upper, c->accessibility_rate.n);
    }
  printf ("accessibility_rate = %s\n", rate);
  printf ("contacts_per_prospect = %s\n", cpp);
  printf ("minutes_per_contact = %s\n", mpc);
  printf ("max_attempts = %" PRId64 "\n", base->max_attempts > 0 ? base->max_attempts : 13);
  printf ("rounding = %s\n", base->plan.rounding == PD_ROUNDING_UP ? "up" : "down");
}

/* --------------------------------------------------------------- JSON */

static void
json_double_or_null (JsonBuilder *b, const char *key, gboolean has, double value)
{
  json_builder_set_member_name (b, key);
  if (has)
    json_builder_add_double_value (b, value);
  else
    json_builder_add_null_value (b);
}

/* A proportion or ratio as numbers: 6 decimals (millionths). */
static double
plain (double value)
{
  return (double) pd_rates_millionths (value) / PD_MILLI;
}

static void
json_rate (JsonBuilder *b, const char *key, const PdCalibratedRate *rate, double scale)
{
  json_builder_set_member_name (b, key);
  json_builder_begin_object (b);
  json_double_or_null (b, "value", rate->has_observed, plain (rate->observed / scale));
  json_double_or_null (b, "lower", rate->has_interval, plain (rate->lower / scale));
  json_double_or_null (b, "upper", rate->has_interval && rate->has_upper, plain (rate->upper / scale));
  pd_ctl_json_int (b, "n", rate->n);
  pd_ctl_json_int (b, "numerator", rate->numerator);
  pd_ctl_json_int (b, "denominator", rate->denominator);
  pd_ctl_json_string (b, "source", pd_calibrated_source_name (rate->source));
  json_double_or_null (b, "proposed", TRUE, (double) rate->proposed / (scale == 1.0 ? PD_MILLI : scale));
  json_double_or_null (b, "default", TRUE, (double) rate->fallback / (scale == 1.0 ? PD_MILLI : scale));
  json_builder_end_object (b);
}

static void
json_effort (JsonBuilder *b, const char *key, gboolean has, gint64 rate, const PdPlan *plan)
{
  json_builder_set_member_name (b, key);
  if (!has)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_object (b);
  json_double_or_null (b, "accessibility_rate", TRUE, (double) rate / PD_MILLI);
  pd_ctl_json_int (b, "deals", plan->deals);
  pd_ctl_json_int (b, "proposals", plan->proposals);
  pd_ctl_json_int (b, "active_prospects", plan->active_prospects);
  pd_ctl_json_int (b, "prospects_to_contact", plan->prospects_to_contact);
  pd_ctl_json_int (b, "contacts", plan->contacts);
  pd_ctl_json_int (b, "call_minutes", plan->call_minutes);
  json_builder_end_object (b);
}

static void
print_json (GArray *sources, const PdCalibration *c)
{
  const PdCampaign *base = g_array_index (sources, Source, sources->len - 1).campaign;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "campaigns");
  json_builder_begin_array (b);
  for (guint i = 0; i < sources->len; i++)
    {
      const Source *s = &g_array_index (sources, Source, i);
      g_autofree char *start = pd_format_date (&s->campaign->start), *end = pd_format_date (&s->campaign->end);
      g_autofree char *as_of = pd_format_date (&s->as_of);

      json_builder_begin_object (b);
      pd_ctl_json_string (b, "campaign", s->campaign->id);
      pd_ctl_json_string (b, "name", s->campaign->name);
      pd_ctl_json_string (b, "start", start);
      pd_ctl_json_string (b, "end", end);
      pd_ctl_json_string (b, "as_of", as_of);
      json_builder_set_member_name (b, "ended");
      json_builder_add_boolean_value (b, g_date_compare (&s->as_of, &s->campaign->end) > 0);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  pd_ctl_json_string (b, "base", base->id);
  pd_ctl_json_string (b, "currency", base->currency);
  pd_ctl_json_int (b, "min_trusted_n", PD_RATES_MIN_TRUSTED);

  json_builder_set_member_name (b, "rates");
  json_builder_begin_object (b);
  json_rate (b, "accessibility_rate", &c->accessibility_rate, 1.0);
  json_rate (b, "contacts_per_prospect", &c->contacts_per_prospect, 1.0);
  json_rate (b, "proposals_per_deal", &c->proposals_per_deal, 1.0);
  json_rate (b, "compensation_factor", &c->compensation_factor, 1.0);
  json_rate (b, "average_deal", &c->average_deal, 100.0);     /* cents -> the currency */
  json_builder_set_member_name (b, "spontaneous_prospects");
  json_builder_begin_object (b);
  json_double_or_null (b, "value", c->spontaneous_prospects.has_observed, plain (c->spontaneous_prospects.observed));
  pd_ctl_json_int (b, "n", c->spontaneous_prospects.n);
  pd_ctl_json_string (b, "source", pd_calibrated_source_name (c->spontaneous_prospects.source));
  pd_ctl_json_int (b, "proposed", c->spontaneous_prospects.proposed);
  pd_ctl_json_int (b, "default", c->spontaneous_prospects.fallback);
  json_builder_end_object (b);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "contacts_distribution");
  if (!c->has_distribution)
    json_builder_add_null_value (b);
  else
    {
      const PdContactsDistribution *d = &c->distribution;

      json_builder_begin_object (b);
      pd_ctl_json_int (b, "n", d->reached);
      pd_ctl_json_int (b, "unreached", d->unreached);
      json_double_or_null (b, "mean", d->reached > 0, plain (d->mean));
      json_double_or_null (b, "median", d->reached > 0, d->median);
      json_builder_set_member_name (b, "by_calls");
      json_builder_begin_array (b);
      for (guint k = 0; k < PD_CALIBRATE_MAX_CONTACTS; k++)
        json_builder_add_int_value (b, d->by_calls[k]);
      json_builder_end_array (b);
      pd_ctl_json_int (b, "beyond", d->by_calls[PD_CALIBRATE_MAX_CONTACTS]);
      json_builder_end_object (b);
    }

  json_builder_set_member_name (b, "effort");
  json_builder_begin_object (b);
  pd_ctl_json_int (b, "objective_cents", c->proposed.objective_cents);
  json_effort (b, "proposed", TRUE, c->proposed.accessibility_rate, &c->effort);
  json_effort (b, "low", c->has_effort_low, c->rate_low, &c->effort_low);
  json_effort (b, "high", c->has_effort_high, c->rate_high, &c->effort_high);
  json_builder_end_object (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  pd_ctl_print_json (root);
}

/* --------------------------------------------------------------- run */

static int
run (PdCtl *ctl, int argc, char **argv)
{
  g_autoptr (GArray) sources = g_array_new (FALSE, TRUE, sizeof (Source));
  g_autoptr (GArray) samples = g_array_new (FALSE, TRUE, sizeof (PdCalibrationSample));
  g_autoptr (PdStore) store = NULL;
  g_autoptr (GError) error = NULL;
  PdCalibration calibration;
  int status;

  g_array_set_clear_func (sources, source_clear);
  if (opt_json && opt_campaign_file)
    return pd_ctl_error (PD_EXIT_USAGE, _("--json and --campaign-file: choose one"));
  if (argc == 0)
    return pd_ctl_error (PD_EXIT_USAGE, _("calibrate: name one or more campaigns (ids or files) to learn from"));

  for (int i = 0; i < argc; i++)
    {
      Source source = { NULL, { 0 }, NULL };

      if ((status = pd_ctl_load_campaign (ctl, 1, &argv[i], &source.campaign)) != PD_EXIT_OK)
        return status;
      pd_ctl_today (ctl, source.campaign, &source.as_of);
      g_array_append_val (sources, source);
      for (guint j = 0; j + 1 < sources->len; j++)
        {
          const PdCampaign *other = g_array_index (sources, Source, j).campaign;

          if (g_str_equal (other->id, source.campaign->id))
            return pd_ctl_error (PD_EXIT_USAGE, _("calibrate: campaign '%s' is named twice (%s)"),
                                 source.campaign->id, argv[i]);
          if (g_strcmp0 (other->currency, source.campaign->currency) != 0)
            return pd_ctl_error (PD_EXIT_USAGE,
                                 _("calibrate: %s is in %s and %s in %s; average deals cannot be pooled across currencies"),
                                 other->id, other->currency, source.campaign->id, source.campaign->currency);
        }
    }

  if ((status = pd_ctl_open_store_for_reading (ctl, &store)) != PD_EXIT_OK)
    return status;
  g_array_set_size (samples, sources->len);
  for (guint i = 0; i < sources->len; i++)
    if ((status = observe (store, &g_array_index (sources, Source, i),
                           &g_array_index (samples, PdCalibrationSample, i))) != PD_EXIT_OK)
      return status;

  {
    const PdCampaign *base = g_array_index (sources, Source, sources->len - 1).campaign;

    if (!pd_calibrate_compute ((const PdCalibrationSample *) samples->data, samples->len, &base->plan,
                               &calibration, &error))
      return pd_ctl_error (PD_EXIT_USAGE, "%s: [plan]: %s", base->path, error->message);
  }

  if (opt_json)
    print_json (sources, &calibration);
  else if (opt_campaign_file)
    print_campaign_file (sources, &calibration);
  else
    print_text (sources, &calibration);
  return PD_EXIT_OK;
}

const PdVerb pd_ctl_verb_calibrate = {
  "calibrate", "CAMPAIGN...", N_("Propose the next plan's rates from past campaigns' outcomes"), entries, run,
};
