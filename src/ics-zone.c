/* SPDX-License-Identifier: MIT
 *
 * ics-zone: the feeds' VTIMEZONE, built from a clone of libical's
 * built-in zone, and the zones built from it, kept per zone and span of
 * years. Where the text comes from is the caller's parameter.
 */
#define G_LOG_DOMAIN "prospectd-ics"

#include "ics-libical.h"

#include <glib/gi18n.h>
#include <string.h>

/* Removes every X-LIC-LOCATION of a VTIMEZONE. */
static void
remove_lic_location (icalcomponent *vtimezone)
{
  g_autoptr (GPtrArray) doomed = g_ptr_array_new ();

  for (icalproperty *property = icalcomponent_get_first_property (vtimezone, ICAL_X_PROPERTY);
       property != NULL;
       property = icalcomponent_get_next_property (vtimezone, ICAL_X_PROPERTY))
    {
      const char *name = icalproperty_get_x_name (property);

      if (name != NULL && g_ascii_strcasecmp (name, "X-LIC-LOCATION") == 0)
        g_ptr_array_add (doomed, property);
    }
  for (guint i = 0; i < doomed->len; i++)
    {
      icalproperty *property = g_ptr_array_index (doomed, i);

      icalcomponent_remove_property (vtimezone, property);
      icalproperty_free (property);
    }
}

static struct icaltimetype
utc_midnight_of_january_first (int year)
{
  struct icaltimetype time = icaltime_null_time ();

  time.year = year;
  time.month = 1;
  time.day = 1;
  time.is_date = 0;
  time.zone = icaltimezone_get_utc_timezone ();
  return time;
}

/* A recurrence rule as text without its UNTIL, to compare rules. */
static char *
rule_text_without_until (struct icalrecurrencetype recur)
{
  recur.until = icaltime_null_time ();
  recur.count = 0;
  char *text = icalrecurrencetype_as_string_r (&recur);
  char *copy = g_strdup (text);
  icalmemory_free_buffer (text);
  return copy;
}

/* Whether `original` (libical's full zone) has an observance of the same
 * kind, offsets and rule as `observance` whose rule has no end: the rule
 * is still in force, and the UNTIL is only the truncation's. */
static gboolean
rule_in_force (icalcomponent *original, icalcomponent *observance, struct icalrecurrencetype recur)
{
  g_autofree char *rule = rule_text_without_until (recur);
  icalcomponent_kind kind = icalcomponent_isa (observance);
  icalproperty *from = icalcomponent_get_first_property (observance, ICAL_TZOFFSETFROM_PROPERTY);
  icalproperty *to = icalcomponent_get_first_property (observance, ICAL_TZOFFSETTO_PROPERTY);

  if (from == NULL || to == NULL)
    return FALSE;
  for (icalcomponent *candidate = icalcomponent_get_first_component (original, kind);
       candidate != NULL;
       candidate = icalcomponent_get_next_component (original, kind))
    {
      icalproperty *candidate_rule = icalcomponent_get_first_property (candidate, ICAL_RRULE_PROPERTY);
      icalproperty *candidate_from = icalcomponent_get_first_property (candidate, ICAL_TZOFFSETFROM_PROPERTY);
      icalproperty *candidate_to = icalcomponent_get_first_property (candidate, ICAL_TZOFFSETTO_PROPERTY);

      if (candidate_rule == NULL || candidate_from == NULL || candidate_to == NULL
          || icalproperty_get_tzoffsetfrom (candidate_from) != icalproperty_get_tzoffsetfrom (from)
          || icalproperty_get_tzoffsetto (candidate_to) != icalproperty_get_tzoffsetto (to))
        continue;
      struct icalrecurrencetype candidate_recur = icalproperty_get_rrule (candidate_rule);
      g_autofree char *candidate_text = rule_text_without_until (candidate_recur);
      if (icaltime_is_null_time (candidate_recur.until) && candidate_recur.count == 0
          && g_str_equal (candidate_text, rule))
        return TRUE;
    }
  return FALSE;
}

/* docs/pitfalls.md 25: readers such as python3-icalendar 4.0.3 (dateutil 2.8)
 * cannot build a zone from an observance whose RRULE has an UNTIL. A rule
 * still in force loses the UNTIL the truncation gave it (libical's own
 * zone data leaves it open-ended); a rule that really ended becomes its
 * onsets from the year before the campaign's first (the one in force on
 * its first day) to its end: DTSTART the first, one RDATE each after. */
static void
open_or_list_rules (icalcomponent *vtimezone, icalcomponent *original, int first_year)
{
  static const icalcomponent_kind kinds[] = { ICAL_XSTANDARD_COMPONENT, ICAL_XDAYLIGHT_COMPONENT };

  for (gsize k = 0; k < G_N_ELEMENTS (kinds); k++)
    for (icalcomponent *observance = icalcomponent_get_first_component (vtimezone, kinds[k]);
         observance != NULL;
         observance = icalcomponent_get_next_component (vtimezone, kinds[k]))
      {
        icalproperty *rrule = icalcomponent_get_first_property (observance, ICAL_RRULE_PROPERTY);
        icalproperty *from = icalcomponent_get_first_property (observance, ICAL_TZOFFSETFROM_PROPERTY);
        if (rrule == NULL || from == NULL)
          continue;
        struct icalrecurrencetype recur = icalproperty_get_rrule (rrule);
        if (icaltime_is_null_time (recur.until))
          continue;
        if (rule_in_force (original, observance, recur))
          {
            recur.until = icaltime_null_time ();
            icalproperty_set_rrule (rrule, recur);
            continue;
          }

        /* UNTIL is in UTC, the onsets are wall times at TZOFFSETFROM. */
        struct icaltimetype dtstart = icalcomponent_get_dtstart (observance);
        int offset = icalproperty_get_tzoffsetfrom (from);
        time_t until = icaltime_as_timet_with_zone (recur.until, icaltimezone_get_utc_timezone ());
        g_autoptr (GArray) onsets = g_array_new (FALSE, FALSE, sizeof (struct icaltimetype));
        icalrecur_iterator *iterator = icalrecur_iterator_new (recur, dtstart);

        for (struct icaltimetype onset = iterator != NULL ? icalrecur_iterator_next (iterator)
                                                          : icaltime_null_time ();
             !icaltime_is_null_time (onset) && onsets->len < 1000;
             onset = icalrecur_iterator_next (iterator))
          {
            struct icaltimetype floating = onset;
            floating.zone = NULL;
            if (icaltime_as_timet (floating) - offset > until)
              break;
            if (onset.year >= first_year - 1)
              g_array_append_val (onsets, onset);
          }
        if (iterator != NULL)
          icalrecur_iterator_free (iterator);

        icalcomponent_remove_property (observance, rrule);
        icalproperty_free (rrule);
        if (onsets->len == 0)
          continue; /* ended before the campaign: its DTSTART says when it began */
        struct icaltimetype first = g_array_index (onsets, struct icaltimetype, 0);
        first.zone = NULL;
        icalcomponent_set_dtstart (observance, first);
        for (guint i = 1; i < onsets->len; i++)
          {
            struct icaldatetimeperiodtype rdate = { .time = g_array_index (onsets, struct icaltimetype, i),
                                                    .period = icalperiodtype_null_period () };
            rdate.time.zone = NULL;
            icalcomponent_add_property (observance, icalproperty_new_rdate (rdate));
          }
      }
}

/* docs/pitfalls.md 1: the VTIMEZONE of a zone of our own, whose TZID is the plain
 * IANA name and which covers only the campaign's years. Built from a
 * clone of libical's built-in component, truncated with ms_compatible = 1
 * (one STANDARD and one DAYLIGHT with an RRULE, which Outlook wants), the
 * rules in force left open-ended and ended ones listed (docs/pitfalls.md 25), TZID
 * set, X-LIC-LOCATION dropped. */
char *
pd_ics_vtimezone_text (const char *name, int first_year, int last_year, GError **error)
{
  icaltimezone *builtin;
  icalcomponent *component;
  icalproperty *tzid;
  g_autoptr (icalcomponent) vtimezone = NULL;
  char *text;
  char *copy;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  icalerrno = ICAL_NO_ERROR;
  builtin = name != NULL && *name != '\0' ? icaltimezone_get_builtin_timezone (name) : NULL;
  component = builtin != NULL ? icaltimezone_get_component (builtin) : NULL;
  if (builtin != NULL && component == NULL)
    {
      /* "UTC" and "GMT" are libical's own zone, which has no VTIMEZONE:
       * use the tz database's Etc/ entry under the campaign's name. */
      g_autofree char *etc_name = g_strconcat ("Etc/", name, NULL);

      builtin = icaltimezone_get_builtin_timezone (etc_name);
      component = builtin != NULL ? icaltimezone_get_component (builtin) : NULL;
    }
  if (component == NULL)
    {
      const char *detail = pd_ics_ical_error_text ();

      g_set_error (error, PD_ICS_ERROR, PD_ICS_ERROR_ZONE,
                   *detail != '\0' ? _("Unknown time zone: '%s' (libical: %s)")
                                   : _("Unknown time zone: '%s'%s"),
                   name != NULL ? name : "", detail);
      return NULL;
    }

  vtimezone = icalcomponent_new_clone (component);
  icaltimezone_truncate_vtimezone (vtimezone, utc_midnight_of_january_first (first_year - 1),
                                   utc_midnight_of_january_first (last_year + 1), 1);
  open_or_list_rules (vtimezone, component, first_year);
  tzid = icalcomponent_get_first_property (vtimezone, ICAL_TZID_PROPERTY);
  if (tzid != NULL)
    icalproperty_set_tzid (tzid, name);
  else
    icalcomponent_add_property (vtimezone, icalproperty_new_tzid (name));
  remove_lic_location (vtimezone);
  text = icalcomponent_as_ical_string_r (vtimezone);
  copy = g_strdup (text);
  icalmemory_free_buffer (text);
  return copy;
}

/* The campaign's zone, from its VTIMEZONE text (the zone owns the
 * component parsed from it). Parsing the text and naming the zone in
 * DTSTART/DTEND never expand its rules: only building the text does. */
static icaltimezone *
campaign_zone_new (const PdCampaign *campaign, PdIcsVtimezoneSource source, char **ret_text,
                   GError **error)
{
  const char *name = campaign->timezone != NULL ? campaign->timezone : "";
  int first_year = g_date_get_year (&campaign->start);
  int last_year = g_date_get_year (&campaign->end);
  g_autofree char *text = NULL;
  g_autoptr (icalcomponent) vtimezone = NULL;
  g_autoptr (icaltimezone) zone = NULL;

  if (source != NULL)
    text = source (name, first_year, last_year);
  if (text == NULL && (text = pd_ics_vtimezone_text (name, first_year, last_year, error)) == NULL)
    return NULL;

  vtimezone = pd_ics_parse_string (text);
  zone = icaltimezone_new ();
  if (vtimezone == NULL || icalcomponent_isa (vtimezone) != ICAL_VTIMEZONE_COMPONENT
      || !icaltimezone_set_component (zone, vtimezone))
    {
      g_set_error (error, PD_ICS_ERROR, PD_ICS_ERROR_ZONE,
                   _("Cannot build the time zone: '%s' (libical: %s)"),
                   name, pd_ics_ical_error_text ());
      return NULL;
    }
  g_steal_pointer (&vtimezone); /* the zone owns it now */
  *ret_text = g_steal_pointer (&text);
  return g_steal_pointer (&zone);
}

/* ----------------------------------------------------------- the zones */

/* The campaign's zone, built once per zone and span of years (building it
 * truncates a VTIMEZONE: costly when a thousand feeds are written), with
 * its VTIMEZONE text. Entries are only ever added, under the lock, and
 * live until pd_ics_zone_shutdown(), so that renderers in other threads can
 * keep using theirs; there is one per zone and span of years the process
 * has rendered, a few kilobytes each. */
struct _PdIcsZone {
  char *key;           /* "<zone>|<first year>|<last year>" */
  icaltimezone *zone;  /* owned */
  char *text;          /* its VTIMEZONE (pd_ics_vtimezone_text), owned */
};

static GMutex zones_lock;
static GPtrArray *zones; /* PdIcsZone*, owned */

static void
zone_entry_free (gpointer data)
{
  PdIcsZone *entry = data;

  g_free (entry->key);
  pd_ics_timezone_free (entry->zone);
  g_free (entry->text);
  g_free (entry);
}

const PdIcsZone *
pd_ics_zone_get (const PdCampaign *campaign, PdIcsVtimezoneSource source, GError **error)
{
  g_autofree char *key = g_strdup_printf ("%s|%d|%d", campaign->timezone != NULL ? campaign->timezone : "",
                                          (int) g_date_get_year (&campaign->start),
                                          (int) g_date_get_year (&campaign->end));
  PdIcsZone *found = NULL;
  icaltimezone *zone;
  char *text = NULL;

  g_mutex_lock (&zones_lock);
  if (zones == NULL)
    zones = g_ptr_array_new_with_free_func (zone_entry_free);
  for (guint i = 0; i < zones->len && found == NULL; i++)
    if (strcmp (((PdIcsZone *) g_ptr_array_index (zones, i))->key, key) == 0)
      found = g_ptr_array_index (zones, i);
  if (found == NULL && (zone = campaign_zone_new (campaign, source, &text, error)) != NULL)
    {
      found = g_new0 (PdIcsZone, 1);
      found->key = g_steal_pointer (&key);
      found->zone = zone;
      found->text = text;
      g_ptr_array_add (zones, found);
    }
  g_mutex_unlock (&zones_lock);
  return found;
}

icaltimezone *
pd_ics_zone_timezone (const PdIcsZone *zone)
{
  return zone->zone;
}

const char *
pd_ics_zone_vtimezone (const PdIcsZone *zone)
{
  return zone->text;
}

void
pd_ics_zone_shutdown (void)
{
  g_mutex_lock (&zones_lock);
  g_clear_pointer (&zones, g_ptr_array_unref);
  g_mutex_unlock (&zones_lock);
  icaltimezone_free_builtin_timezones ();
}
