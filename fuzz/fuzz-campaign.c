/* SPDX-License-Identifier: MIT
 *
 * libFuzzer target: a campaign file, whole, through pd_config_parse_campaign()
 * exactly as pd_config_load_campaign() hands it over (NUL-terminated, with
 * its length). Any input must give a campaign or a clean GError: no crash,
 * no leak, no undefined behaviour (built with ASan and UBSan), and an error
 * message that names the file.
 */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prospectd/config.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_malloc (size + 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (PdCampaign) campaign = NULL;

  if (size > 0)
    memcpy (text, data, size);
  text[size] = '\0';
  campaign = pd_config_parse_campaign ("fuzz.conf", text, size, &error);
  if (campaign == NULL)
    {
      if (error == NULL || error->message == NULL
          || !g_str_has_prefix (error->message, "fuzz.conf"))
        abort (); /* failure without a message naming the file */
    }
  else
    {
      /* What config.h promises of an accepted campaign. */
      const PdCheckpoint *last;

      if (error != NULL || campaign->reps->len == 0 || campaign->checkpoints->len == 0)
        abort ();
      last = &g_array_index (campaign->checkpoints, PdCheckpoint,
                             campaign->checkpoints->len - 1);
      if (g_date_compare (&last->date, &campaign->end) != 0 || last->share != PD_MILLI)
        abort ();
    }
  return 0;
}
