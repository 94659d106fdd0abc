/** The innovation categories, as the `InnovationCategory` enum in innovations and procurement SDL. */
export const demoCategories = [
  'SURFACING_AND_MATERIALS',
  'POTHOLE_REPAIR',
  'STREET_LIGHTING',
  'DRAINAGE_AND_FLOOD_RESILIENCE',
  'BRIDGES_AND_STRUCTURES',
  'TRAFFIC_MANAGEMENT_AND_ITS',
  'ROAD_SAFETY',
  'EV_CHARGING_AND_DECARBONISATION',
  'WINTER_SERVICE',
  'ASSET_MANAGEMENT_AND_DATA',
  'ACTIVE_TRAVEL',
] as const;
export type DemoCategory = (typeof demoCategories)[number];

/**
 * What each demo supplier sells. The innovations demo data lists innovations in these categories,
 * and the procurement demo data admits suppliers to lots covering them, so the demo shows
 * innovations that are available via routes (and some that are not).
 */
export const demoSupplierCategories: Record<string, DemoCategory[]> = {
  'resurface-tech': ['SURFACING_AND_MATERIALS', 'POTHOLE_REPAIR'],
  'pothole-pro': ['POTHOLE_REPAIR', 'ASSET_MANAGEMENT_AND_DATA'],
  'lumen-streets': ['STREET_LIGHTING', 'EV_CHARGING_AND_DECARBONISATION'],
  'aquaflow-drainage': ['DRAINAGE_AND_FLOOD_RESILIENCE'],
  bridgewise: ['BRIDGES_AND_STRUCTURES', 'ASSET_MANAGEMENT_AND_DATA'],
  'signal-logic': ['TRAFFIC_MANAGEMENT_AND_ITS', 'ROAD_SAFETY'],
  'safe-roads': ['ROAD_SAFETY', 'ACTIVE_TRAVEL'],
  voltway: ['EV_CHARGING_AND_DECARBONISATION'],
  'grit-smart': ['WINTER_SERVICE', 'ASSET_MANAGEMENT_AND_DATA'],
  'asset-vision': ['ASSET_MANAGEMENT_AND_DATA', 'TRAFFIC_MANAGEMENT_AND_ITS'],
  'cycleway-systems': ['ACTIVE_TRAVEL', 'ROAD_SAFETY'],
  'green-binder': ['SURFACING_AND_MATERIALS', 'EV_CHARGING_AND_DECARBONISATION'],
  'kerbside-digital': ['TRAFFIC_MANAGEMENT_AND_ITS', 'EV_CHARGING_AND_DECARBONISATION'],
  'northern-surfacing': ['SURFACING_AND_MATERIALS', 'POTHOLE_REPAIR', 'WINTER_SERVICE'],
};
