/* SPDX-License-Identifier: MIT
 *
 * prospectctl campaigns: every campaign the database knows, as history:
 * its dates and objective, the revenue won and deals so far, and whether
 * it has ended (as of today, by --now).
 *
 * The database keeps each campaign's id and name and what was logged;
 * the dates, objective and currency are the campaign file's (its id in the
 * campaigns directory). A campaign whose file is gone is still listed,
 * with what the database holds.
 */
#define G_LOG_DOMAIN "prospectctl"

#include <inttypes.h>
#include <stdio.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "ctl.h"
#include "prospectd/format.h"

static gboolean opt_json;

static GOptionEntry entries[] = {
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON"), NULL },
  G_OPTION_ENTRY_NULL
};

/* One line of the list. */
typedef struct {
  const PdStoreCampaign *stored;  /* the database's row */
  PdCampaign *campaign;           /* its file, or NULL when there is none, owned */
  GDate today;                    /* in its zone (UTC without a file) */
  PdTotals totals;                /* logged to today */
} Line;

static void
line_clear (gpointer data)
{
  Line *line = data;

  pd_campaign_free (line->campaign);
}

typedef enum {
  STATE_UNKNOWN,      /* no campaign file: no dates */
  STATE_NOT_STARTED,
  STATE_RUNNING,
  STATE_ENDED,
} State;

static State
line_state (const Line *line)
{
  if (line->campaign == NULL)
    return STATE_UNKNOWN;
  if (g_date_compare (&line->today, &line->campaign->end) > 0)
    return STATE_ENDED;
  if (g_date_compare (&line->today, &line->campaign->start) < 0)
    return STATE_NOT_STARTED;
  return STATE_RUNNING;
}

static const char *
state_name (State state)
{
  static const char *const names[] = { NULL, "not_started", "running", "ended" };

  return names[state];
}

static const char *
state_text (State state)
{
  switch (state)
    {
    case STATE_NOT_STARTED:
      return _("not started");
    case STATE_RUNNING:
      return _("running");
    case STATE_ENDED:
      return _("ended");
    case STATE_UNKNOWN:
    default:
      return _("no campaign file");
    }
}

/* Reads the campaign file of `stored` (NULL when it has none) and what
 * was logged to today. */
static int
read_line (PdCtl *ctl, PdStore *store, const PdStoreCampaign *stored, Line *ret_line)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *file = g_strconcat (stored->id, ".conf", NULL);
  g_autofree char *path = g_build_filename (ctl->config->campaigns_dir, file, NULL);
  Line line = { stored, NULL, { 0 }, { 0 } };

  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      line.campaign = pd_config_load_campaign (path, &error);
      if (line.campaign == NULL)
        return pd_ctl_error (PD_EXIT_USAGE, "%s", error->message);
      pd_ctl_today (ctl, line.campaign, &line.today);
    }
  else
    {
      g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
      g_autoptr (GDateTime) now = pd_ctl_now (ctl, utc);

      g_date_clear (&line.today, 1);
      g_date_set_dmy (&line.today, (GDateDay) g_date_time_get_day_of_month (now),
                      (GDateMonth) g_date_time_get_month (now), (GDateYear) g_date_time_get_year (now));
    }
  if (!pd_store_totals (store, stored->id, NULL, &line.today, &line.totals, &error))
    {
      pd_campaign_free (line.campaign);
      return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);
    }
  *ret_line = line;
  return PD_EXIT_OK;
}

/* --------------------------------------------------------------- text */

static void
print_cell (const char *text, int width, gboolean right)
{
  int pad = MAX (width - (int) g_utf8_strlen (text, -1), 0);

  if (right)
    printf ("%*s%s", pad, "", text);
  else
    printf ("%s%*s", text, pad, "");
}

#define COLUMNS 8

static void
print_text (GArray *lines)
{
  const char *headers[COLUMNS] = {
    _("campaign"), _("name"), _("start"), _("end"), _("objective"), _("won"), _("deals"), _("status"),
  };
  const gboolean right[COLUMNS] = { FALSE, FALSE, FALSE, FALSE, TRUE, TRUE, TRUE, FALSE };
  g_autoptr (GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  int widths[COLUMNS];

  for (guint c = 0; c < COLUMNS; c++)
    widths[c] = (int) g_utf8_strlen (headers[c], -1);
  for (guint i = 0; i < lines->len; i++)
    {
      const Line *line = &g_array_index (lines, Line, i);
      const PdCampaign *campaign = line->campaign;
      /* Without a file, no currency: the amount as a plain number. */
      const char *currency = campaign != NULL ? campaign->currency : "";

      g_ptr_array_add (cells, pd_ctl_printable_text (line->stored->id));
      g_ptr_array_add (cells, pd_ctl_printable_text (line->stored->name));
      g_ptr_array_add (cells, campaign != NULL ? pd_format_date (&campaign->start) : g_strdup ("-"));
      g_ptr_array_add (cells, campaign != NULL ? pd_format_date (&campaign->end) : g_strdup ("-"));
      g_ptr_array_add (cells, campaign != NULL ? pd_format_money (campaign->plan.objective_cents, currency)
                                               : g_strdup ("-"));
      g_ptr_array_add (cells, pd_format_money (line->totals.revenue_cents, currency));
      g_ptr_array_add (cells, pd_format_count (line->totals.deals));
      g_ptr_array_add (cells, g_strdup (state_text (line_state (line))));
      for (guint c = 0; c < COLUMNS; c++)
        widths[c] = MAX (widths[c], (int) g_utf8_strlen (g_ptr_array_index (cells, i * COLUMNS + c), -1));
    }

  for (guint c = 0; c < COLUMNS; c++)
    {
      print_cell (headers[c], c + 1 < COLUMNS ? widths[c] : 0, right[c]);
      printf (c + 1 < COLUMNS ? "  " : "\n");
    }
  for (guint i = 0; i < lines->len; i++)
    for (guint c = 0; c < COLUMNS; c++)
      {
        print_cell (g_ptr_array_index (cells, i * COLUMNS + c), c + 1 < COLUMNS ? widths[c] : 0, right[c]);
        printf (c + 1 < COLUMNS ? "  " : "\n");
      }
}

/* --------------------------------------------------------------- JSON */

static void
print_json (GArray *lines)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_array (b);
  for (guint i = 0; i < lines->len; i++)
    {
      const Line *line = &g_array_index (lines, Line, i);
      const PdCampaign *campaign = line->campaign;
      g_autofree char *start = campaign != NULL ? pd_format_date (&campaign->start) : NULL;
      g_autofree char *end = campaign != NULL ? pd_format_date (&campaign->end) : NULL;
      g_autofree char *as_of = pd_format_date (&line->today);
      State state = line_state (line);

      json_builder_begin_object (b);
      pd_ctl_json_string (b, "campaign", line->stored->id);
      pd_ctl_json_string (b, "name", line->stored->name);
      pd_ctl_json_int (b, "first_seen", line->stored->first_seen);
      pd_ctl_json_string (b, "file", campaign != NULL ? campaign->path : NULL);
      pd_ctl_json_string (b, "start", start);
      pd_ctl_json_string (b, "end", end);
      pd_ctl_json_string (b, "currency", campaign != NULL ? campaign->currency : NULL);
      json_builder_set_member_name (b, "objective_cents");
      if (campaign != NULL)
        json_builder_add_int_value (b, campaign->plan.objective_cents);
      else
        json_builder_add_null_value (b);
      pd_ctl_json_int (b, "revenue_cents", line->totals.revenue_cents);
      pd_ctl_json_int (b, "deals", line->totals.deals);
      pd_ctl_json_string (b, "as_of", as_of);
      pd_ctl_json_string (b, "status", state_name (state));
      json_builder_set_member_name (b, "ended");
      if (state == STATE_UNKNOWN)
        json_builder_add_null_value (b);
      else
        json_builder_add_boolean_value (b, state == STATE_ENDED);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  pd_ctl_print_json (root);
}

/* --------------------------------------------------------------- run */

static int
run (PdCtl *ctl, int argc, char **argv)
{
  g_autoptr (PdStore) store = NULL;
  g_autoptr (GPtrArray) stored = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) lines = g_array_new (FALSE, TRUE, sizeof (Line));
  int status;

  g_array_set_clear_func (lines, line_clear);
  if (argc > 0)
    return pd_ctl_error (PD_EXIT_USAGE, _("campaigns takes no argument ('%s'): it lists every campaign the database knows"),
                         argv[0]);
  if ((status = pd_ctl_open_store_for_reading (ctl, &store)) != PD_EXIT_OK)
    return status;
  if (store != NULL && (stored = pd_store_list_campaigns (store, &error)) == NULL)
    return pd_ctl_error (PD_EXIT_FAILURE, "%s", error->message);

  for (guint i = 0; stored != NULL && i < stored->len; i++)
    {
      Line line;

      if ((status = read_line (ctl, store, g_ptr_array_index (stored, i), &line)) != PD_EXIT_OK)
        return status;
      g_array_append_val (lines, line);
    }

  if (opt_json)
    print_json (lines);
  else if (lines->len == 0)
    printf (_("No campaign in the database yet (the daemon or log records one).\n"));
  else
    print_text (lines);
  return PD_EXIT_OK;
}

const PdVerb pd_ctl_verb_campaigns = {
  "campaigns", "", N_("List every campaign the database knows: dates, objective, revenue won, ended or not"),
  entries, run,
};
