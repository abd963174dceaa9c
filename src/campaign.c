/* SPDX-License-Identifier: MIT
 *
 * campaign: the domain model's helpers (see campaign.h).
 */
#define G_LOG_DOMAIN "prospectd-campaign"

#include "prospectd/campaign.h"

char *
pd_rep_normalize (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);
  return g_utf8_normalize (name, -1, G_NORMALIZE_NFC);
}

char *
pd_rep_file_name (const char *name)
{
  g_autofree char *nfc = NULL;

  g_return_val_if_fail (name != NULL, NULL);
  nfc = pd_rep_normalize (name);
  /* Every byte outside A-Z a-z 0-9 - . _ ~ as %XX (uppercase): ASCII
   * names are unchanged, the others' UTF-8 bytes encoded. */
  return g_uri_escape_string (nfc != NULL ? nfc : name, NULL, FALSE);
}

void
pd_rep_free (PdRep *rep)
{
  if (rep == NULL)
    return;
  g_free (rep->name);
  g_clear_pointer (&rep->windows, g_array_unref);
  g_clear_pointer (&rep->days_off, g_array_unref);
  g_free (rep);
}

void
pd_campaign_free (PdCampaign *campaign)
{
  if (campaign == NULL)
    return;
  g_free (campaign->id);
  g_free (campaign->path);
  g_free (campaign->name);
  g_free (campaign->timezone);
  g_clear_pointer (&campaign->tz, g_time_zone_unref);
  g_free (campaign->currency);
  g_free (campaign->language);
  g_free (campaign->country);
  g_clear_pointer (&campaign->priority, g_ptr_array_unref);
  g_clear_pointer (&campaign->holidays, g_array_unref);
  g_clear_pointer (&campaign->checkpoints, g_array_unref);
  g_clear_pointer (&campaign->rep_index, g_hash_table_unref);
  g_clear_pointer (&campaign->wall_gaps, g_array_unref);
  g_clear_pointer (&campaign->reps, g_ptr_array_unref);
  g_clear_pointer (&campaign->history, g_array_unref);
  g_free (campaign->source_digest);
  g_free (campaign);
}

void
pd_priority_free (PdPriority *priority)
{
  if (priority == NULL)
    return;
  g_free (priority->attribute);
  g_strfreev (priority->values);
  g_free (priority);
}

const PdRep *
pd_campaign_find_rep (const PdCampaign *campaign, const char *name, guint *ret_index)
{
  guint index = 0;
  g_autofree char *nfc = NULL;

  if (name == NULL)
    return NULL;
  /* Names are stored in NFC: "zoë" typed decomposed is the same rep. */
  for (const char *p = name; *p != '\0'; p++)
    if ((guchar) *p >= 0x80)
      {
        nfc = pd_rep_normalize (name);
        if (nfc != NULL)
          name = nfc;
        break;
      }
  if (campaign->rep_index != NULL)
    index = GPOINTER_TO_UINT (g_hash_table_lookup (campaign->rep_index, name));
  else /* a campaign built by hand, not parsed */
    for (guint i = 0; i < campaign->reps->len && index == 0; i++)
      if (g_str_equal (((const PdRep *) g_ptr_array_index (campaign->reps, i))->name, name))
        index = i + 1;
  if (index == 0)
    return NULL;
  if (ret_index != NULL)
    *ret_index = index - 1;
  return g_ptr_array_index (campaign->reps, index - 1);
}
