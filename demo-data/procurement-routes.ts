import { demoSupplierCategories, type DemoCategory } from './categories';
import { demoId } from './ids';
import type { DemoNation } from './organisations';
import { demoOrganisation, demoSuppliers } from './organisations';

/**
 * The demo procurement routes: Crown Commercial Service style frameworks, dynamic purchasing
 * systems and markets (fictional, with `RM…` references in CCS's style), an SBRI competition and a
 * direct award route, each with its lots and the suppliers admitted to them. Other subgraphs refer
 * to a route by `demoId('procurement-route', reference)`.
 */
export type DemoRouteKind =
  'FRAMEWORK' | 'DYNAMIC_PURCHASING_SYSTEM' | 'DYNAMIC_MARKET' | 'INNOVATION_PARTNERSHIP' | 'SBRI_COMPETITION' | 'DIRECT_AWARD';
export type DemoRouteStatus = 'COMING' | 'OPEN' | 'PENDING' | 'STANDSTILL' | 'LIVE' | 'EXPIRED';
export type DemoRegime = 'PUBLIC_CONTRACTS_REGULATIONS_2015' | 'PROCUREMENT_ACT_2023';
export type DemoAwardProcedure = 'DIRECT_AWARD' | 'FURTHER_COMPETITION';
export type DemoAdmissionStatus = 'APPLIED' | 'ADMITTED' | 'REJECTED' | 'SUSPENDED' | 'EXPIRED';

export interface DemoProcurementRoute {
  id: string;
  reference: string;
  name: string;
  kind: DemoRouteKind;
  status: DemoRouteStatus;
  regime: DemoRegime;
  ownerId: string;
  description: string;
  guidance: string | null;
  feePercent: number;
  eligibleNations: DemoNation[];
  /**
   * Lifecycle dates as of `demoReferenceDay`, each the first day of a status; the seed shifts them
   * by the days since then (`demoRouteDatesOn`), so every route is in `status` whenever it is seeded.
   */
  opensOn: string | null;
  applicationsCloseOn: string | null;
  standstillStartsOn: string | null;
  startsOn: string | null;
  expiresOn: string | null;
}

export interface DemoLot {
  id: string;
  routeId: string;
  routeKind: DemoRouteKind;
  number: number;
  title: string;
  scope: string;
  categories: DemoCategory[];
  awardProcedures: DemoAwardProcedure[];
}

export interface DemoAdmission {
  id: string;
  supplierId: string;
  lotId: string;
  status: DemoAdmissionStatus;
}

type LotRow = [title: string, scope: string, categories: DemoCategory[], awardProcedures: DemoAwardProcedure[]];
interface RouteRow extends Omit<DemoProcurementRoute, 'id' | 'ownerId'> {
  owner: string;
  lots: LotRow[];
}

const allNations: DemoNation[] = ['ENGLAND', 'WALES', 'SCOTLAND', 'NORTHERN_IRELAND'];
const fc: DemoAwardProcedure[] = ['FURTHER_COMPETITION'];
const both: DemoAwardProcedure[] = ['DIRECT_AWARD', 'FURTHER_COMPETITION'];
const da: DemoAwardProcedure[] = ['DIRECT_AWARD'];

const routeRows: RouteRow[] = [
  {
    reference: 'RM6301',
    name: 'Highways Innovation Dynamic Purchasing System',
    kind: 'DYNAMIC_PURCHASING_SYSTEM',
    status: 'LIVE',
    regime: 'PROCUREMENT_ACT_2023',
    owner: 'ccs',
    description:
      'A route for councils and national bodies to buy proven highways innovations from suppliers admitted at any time during its term. Every call-off is a further competition among the admitted suppliers on the lot.',
    guidance:
      'Publish your requirement to every admitted supplier on the lot, allow at least 10 days for responses, and evaluate against the published criteria. Call-off terms are the CCS Core Terms.',
    feePercent: 1,
    eligibleNations: allNations,
    opensOn: '2025-02-24',
    applicationsCloseOn: null,
    standstillStartsOn: null,
    startsOn: '2025-04-01',
    expiresOn: '2029-03-31',
    lots: [
      [
        'Road surface and pothole innovation',
        'New surfacing materials, pothole detection and permanent repair techniques.',
        ['SURFACING_AND_MATERIALS', 'POTHOLE_REPAIR'],
        fc,
      ],
      [
        'Drainage, structures and resilience',
        'Gully and drainage monitoring, flood resilience and structural health monitoring.',
        ['DRAINAGE_AND_FLOOD_RESILIENCE', 'BRIDGES_AND_STRUCTURES'],
        fc,
      ],
      [
        'Data, sensing and asset intelligence',
        'Network surveys, sensors, asset management systems and transport data platforms.',
        ['ASSET_MANAGEMENT_AND_DATA', 'TRAFFIC_MANAGEMENT_AND_ITS'],
        fc,
      ],
      [
        'Safer and active streets',
        'Road safety equipment and walking, wheeling and cycling infrastructure.',
        ['ROAD_SAFETY', 'ACTIVE_TRAVEL'],
        fc,
      ],
    ],
  },
  {
    reference: 'RM6302',
    name: 'Road Surfacing and Materials Framework',
    kind: 'FRAMEWORK',
    status: 'LIVE',
    regime: 'PUBLIC_CONTRACTS_REGULATIONS_2015',
    owner: 'ccs',
    description: 'Supply and laying of asphalt, surface treatments and patching materials, including low-carbon and recycled alternatives.',
    guidance: 'Direct award is allowed on lots 1 and 2 where the framework price list meets the need; otherwise run a further competition.',
    feePercent: 0.5,
    eligibleNations: ['ENGLAND', 'WALES'],
    opensOn: '2023-01-09',
    applicationsCloseOn: '2023-03-10',
    standstillStartsOn: '2023-05-15',
    startsOn: '2023-06-01',
    expiresOn: '2027-05-31',
    lots: [
      [
        'Asphalt and surfacing materials',
        'Hot and warm mix asphalt, surface dressing and micro-asphalt.',
        ['SURFACING_AND_MATERIALS'],
        both,
      ],
      ['Pothole repair and patching', 'Permanent pothole repair, jet patching and in-situ recycling.', ['POTHOLE_REPAIR'], both],
      [
        'Low-carbon binders and recycled materials',
        'Bio-based binders, recycled aggregates and carbon-reporting of materials.',
        ['SURFACING_AND_MATERIALS', 'EV_CHARGING_AND_DECARBONISATION'],
        fc,
      ],
    ],
  },
  {
    reference: 'RM6303',
    name: 'Smart Street Lighting and Infrastructure',
    kind: 'FRAMEWORK',
    status: 'LIVE',
    regime: 'PROCUREMENT_ACT_2023',
    owner: 'ccs',
    description: 'LED conversion, smart lighting controls and street furniture that carries other services, such as charge points.',
    guidance: null,
    feePercent: 0.75,
    eligibleNations: allNations,
    opensOn: '2025-03-03',
    applicationsCloseOn: '2025-04-14',
    standstillStartsOn: '2025-06-16',
    startsOn: '2025-07-01',
    expiresOn: '2029-06-30',
    lots: [
      ['LED lanterns and columns', 'Supply and installation of LED lanterns, columns and brackets.', ['STREET_LIGHTING'], both],
      [
        'Central management systems and smart controls',
        'Dimming, fault reporting and central management systems for lighting stock.',
        ['STREET_LIGHTING', 'ASSET_MANAGEMENT_AND_DATA'],
        fc,
      ],
      [
        'Lighting-column charge points',
        'EV charge points fitted to lighting columns and street furniture.',
        ['STREET_LIGHTING', 'EV_CHARGING_AND_DECARBONISATION'],
        both,
      ],
    ],
  },
  {
    reference: 'RM6304',
    name: 'EV Charging Infrastructure Dynamic Market',
    kind: 'DYNAMIC_MARKET',
    status: 'OPEN',
    regime: 'PROCUREMENT_ACT_2023',
    owner: 'ccs',
    description: 'A dynamic market for public EV charging, from residential on-street charge points to rapid charging hubs.',
    guidance: null,
    feePercent: 1,
    eligibleNations: allNations,
    opensOn: '2026-01-12',
    applicationsCloseOn: null,
    standstillStartsOn: null,
    startsOn: '2027-04-01',
    expiresOn: '2031-03-31',
    lots: [
      [
        'On-street residential charging',
        'Slow and fast charge points for residents without off-street parking.',
        ['EV_CHARGING_AND_DECARBONISATION'],
        fc,
      ],
      ['Rapid charging hubs', 'Rapid and ultra-rapid charging hubs, including grid connection.', ['EV_CHARGING_AND_DECARBONISATION'], fc],
    ],
  },
  {
    reference: 'RM6305',
    name: 'Traffic Management Technology 2',
    kind: 'FRAMEWORK',
    status: 'COMING',
    regime: 'PROCUREMENT_ACT_2023',
    owner: 'ccs',
    description: 'The successor to Traffic Management Technology: traffic signals, enforcement cameras and ITS platforms.',
    guidance: null,
    feePercent: 1,
    eligibleNations: ['ENGLAND', 'WALES', 'SCOTLAND'],
    // Opens within 60 days of the demo date, so a buyer's dashboard lists it among routes opening soon.
    opensOn: '2027-01-11',
    applicationsCloseOn: '2027-02-22',
    standstillStartsOn: null,
    startsOn: null,
    expiresOn: null,
    lots: [
      ['Traffic signals and control', 'Signal equipment, urban traffic control and maintenance.', ['TRAFFIC_MANAGEMENT_AND_ITS'], both],
      [
        'Enforcement and road-safety cameras',
        'Speed, red-light, bus-lane and moving-traffic enforcement.',
        ['ROAD_SAFETY', 'TRAFFIC_MANAGEMENT_AND_ITS'],
        both,
      ],
      [
        'Data and ITS platforms',
        'Journey-time monitoring, traffic data and common data platforms.',
        ['TRAFFIC_MANAGEMENT_AND_ITS', 'ASSET_MANAGEMENT_AND_DATA'],
        fc,
      ],
    ],
  },
  {
    reference: 'RM6190',
    name: 'Highways Maintenance Services',
    kind: 'FRAMEWORK',
    status: 'EXPIRED',
    regime: 'PUBLIC_CONTRACTS_REGULATIONS_2015',
    owner: 'national-highways',
    description: 'Routine and reactive maintenance of the road network, and winter service. Replaced by RM6301 and RM6302.',
    guidance: null,
    feePercent: 0.5,
    eligibleNations: ['ENGLAND'],
    opensOn: '2020-09-01',
    applicationsCloseOn: '2020-10-12',
    standstillStartsOn: '2020-12-07',
    startsOn: '2021-01-04',
    expiresOn: '2025-01-03',
    lots: [
      [
        'Reactive and routine maintenance',
        'Pothole repair, gully emptying and routine inspections.',
        ['POTHOLE_REPAIR', 'DRAINAGE_AND_FLOOD_RESILIENCE'],
        both,
      ],
      ['Winter service', 'Precautionary gritting, snow clearance and weather forecasting.', ['WINTER_SERVICE'], both],
    ],
  },
  {
    reference: 'IPS-SBRI-01',
    name: 'Net Zero Roads SBRI Competition',
    kind: 'SBRI_COMPETITION',
    status: 'PENDING',
    regime: 'PROCUREMENT_ACT_2023',
    owner: 'transport-scotland',
    description:
      'A Small Business Research Initiative competition funding feasibility studies and prototypes that cut carbon from building and running roads.',
    guidance: 'Phase 1 feasibility contracts of up to £60,000 each are awarded directly to the successful applicants.',
    feePercent: 0,
    eligibleNations: ['SCOTLAND'],
    opensOn: '2026-09-15',
    applicationsCloseOn: '2026-11-13',
    standstillStartsOn: '2027-01-11',
    startsOn: '2027-02-01',
    expiresOn: '2028-01-31',
    lots: [
      [
        'Low-carbon construction and materials',
        'Lower-carbon surfacing, binders and construction methods.',
        ['SURFACING_AND_MATERIALS', 'EV_CHARGING_AND_DECARBONISATION'],
        da,
      ],
      ['Decarbonising winter service', 'Alternatives to rock salt and lower-emission gritting fleets.', ['WINTER_SERVICE'], da],
    ],
  },
  {
    reference: 'IPS-DA-01',
    name: 'Structures and Flood Resilience Pilot Direct Award',
    kind: 'DIRECT_AWARD',
    status: 'LIVE',
    regime: 'PROCUREMENT_ACT_2023',
    owner: 'national-highways',
    description:
      'Direct award of pilot deployments of structural monitoring and flood-resilience innovations proven in IPS trials, under the Procurement Act 2023 direct award justifications.',
    guidance: 'Publish a transparency notice before award and record which direct award justification applies.',
    feePercent: 0,
    eligibleNations: ['ENGLAND'],
    opensOn: '2025-06-02',
    applicationsCloseOn: null,
    standstillStartsOn: null,
    startsOn: '2025-07-01',
    expiresOn: '2027-06-30',
    lots: [
      [
        'Pilot deployments',
        'Pilot deployments of structural health monitoring and flood-resilience innovations.',
        ['BRIDGES_AND_STRUCTURES', 'DRAINAGE_AND_FLOOD_RESILIENCE'],
        da,
      ],
    ],
  },
];

export const demoProcurementRoutes: DemoProcurementRoute[] = routeRows.map(({ owner, lots: _lots, ...route }) => ({
  ...route,
  id: demoId('procurement-route', route.reference),
  ownerId: demoOrganisation(owner).id,
}));

export const demoLots: DemoLot[] = routeRows.flatMap((route) =>
  route.lots.map(([title, scope, categories, awardProcedures], index) => ({
    id: demoId('lot', `${route.reference}/${index + 1}`),
    routeId: demoId('procurement-route', route.reference),
    routeKind: route.kind,
    number: index + 1,
    title,
    scope,
    categories,
    awardProcedures,
  })),
);

/** A supplier's standing on a lot follows from where the route is in its lifecycle... */
const admissionByRouteStatus: Record<DemoRouteStatus, DemoAdmissionStatus | null> = {
  COMING: null,
  OPEN: 'APPLIED',
  PENDING: 'APPLIED',
  STANDSTILL: 'ADMITTED',
  LIVE: 'ADMITTED',
  EXPIRED: 'EXPIRED',
};

/** ...except for these (`reference/lot/supplier`); null means the supplier never applied. */
const exceptions: Record<string, DemoAdmissionStatus | null> = {
  'RM6301/1/pothole-pro': 'SUSPENDED',
  'RM6302/1/green-binder': 'REJECTED',
  'RM6302/3/green-binder': 'REJECTED',
  'RM6303/3/green-binder': null,
  'RM6303/3/kerbside-digital': 'APPLIED',
  'RM6303/2/asset-vision': 'APPLIED',
  'RM6301/3/kerbside-digital': 'REJECTED',
  // A dynamic market admits suppliers while it is still open.
  'RM6304/1/voltway': 'ADMITTED',
  'RM6304/2/voltway': 'ADMITTED',
  'RM6302/2/northern-surfacing': 'SUSPENDED',
  // The low-carbon materials lot is about binders, not charge points.
  'RM6302/3/lumen-streets': null,
  'RM6302/3/voltway': null,
  'RM6302/3/kerbside-digital': null,
};

/**
 * Every supplier applies to every lot covering something it sells (see `demoSupplierCategories`).
 * Winter service is covered by no live route, so gritting innovations are available via none.
 */
export const demoAdmissions: DemoAdmission[] = routeRows.flatMap((route) =>
  route.lots.flatMap(([, , categories], index) =>
    demoSuppliers.flatMap((supplier) => {
      const sells = demoSupplierCategories[supplier.key] ?? [];
      if (!categories.some((category) => sells.includes(category))) return [];
      const key = `${route.reference}/${index + 1}/${supplier.key}`;
      const status = key in exceptions ? exceptions[key] : admissionByRouteStatus[route.status];
      if (!status) return [];
      return [{ id: demoId('admission', key), supplierId: supplier.id, lotId: demoId('lot', `${route.reference}/${index + 1}`), status }];
    }),
  ),
);

/** The day the demo routes' dates are written for: each route is in its `status` on this day. */
export const demoReferenceDay = '2026-11-28';

const shiftDay = (day: string | null, days: number) =>
  day === null ? null : new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** A demo route's dates moved on by the days from `demoReferenceDay` to `today`, so its status stays. */
export function demoRouteDatesOn(route: Omit<DemoProcurementRoute, 'status'>, today: string) {
  const days = Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${demoReferenceDay}T00:00:00Z`)) / 86_400_000);
  return {
    opensOn: shiftDay(route.opensOn, days),
    applicationsCloseOn: shiftDay(route.applicationsCloseOn, days),
    standstillStartsOn: shiftDay(route.standstillStartsOn, days),
    startsOn: shiftDay(route.startsOn, days),
    expiresOn: shiftDay(route.expiresOn, days),
  };
}

export function demoProcurementRoute(reference: string): DemoProcurementRoute {
  const found = demoProcurementRoutes.find((route) => route.reference === reference);
  if (!found) throw new Error(`No demo procurement route "${reference}"`);
  return found;
}
