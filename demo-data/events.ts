import { demoId } from './ids';
import { demoOrganisation } from './organisations';

/**
 * The demo events: briefings, workshops, showcases and conferences across the four nations, hosted
 * by demo organisations and, where they are about one, pointing at demo procurement routes. Dates
 * are relative to the day the demo is seeded, so there are always past and upcoming events; ids are
 * stable (`demoId('event', key)`), so other demo data and tests can name an event.
 */
export type DemoEventKind = 'WEBINAR' | 'WORKSHOP' | 'SHOWCASE' | 'SUPPLIER_BRIEFING' | 'CONFERENCE';
export type DemoEventAudience = 'SUPPLIERS' | 'BUYERS' | 'ALL_MEMBERS' | 'PUBLIC';
export type DemoEventStatus = 'DRAFT' | 'SCHEDULED' | 'COMPLETED' | 'CANCELLED';

export interface DemoEvent {
  key: string;
  id: string;
  title: string;
  description: string;
  kind: DemoEventKind;
  audience: DemoEventAudience;
  status: DemoEventStatus;
  startsAt: Date;
  endsAt: Date;
  venue: string | null;
  online: boolean;
  capacity: number | null;
  /** Organisation ids (members subgraph), lead host first. */
  hostIds: string[];
  /** Procurement route ids (procurement subgraph). */
  routeIds: string[];
}

/** The id the procurement demo data gives a route, e.g. `demoRouteId('RM6301')`. */
export const demoRouteId = (code: string) => demoId('procurement-route', code);

interface Plan {
  key: string;
  title: string;
  description: string;
  kind: DemoEventKind;
  audience: DemoEventAudience;
  /** Days from the seeding day (moved to the following Monday if it falls on a weekend). */
  day: number;
  /** Local (UK) start and end, "HH:MM"; `days` > 1 for an event over several days. */
  from: string;
  to: string;
  days?: number;
  venue?: string;
  /** Online as well as at the venue; an event without a venue is always online. */
  hybrid?: boolean;
  capacity?: number;
  hosts: string[];
  routes?: string[];
  /** A future draft, or an event called off; otherwise SCHEDULED or COMPLETED by date. */
  state?: 'DRAFT' | 'CANCELLED';
}

const plans: Plan[] = [
  {
    key: 'ips-launch-webinar',
    title: 'Launch of the Innovation Procurement System: a webinar for the supply chain',
    description:
      'What the IPS is, how councils will use it to find and buy innovations, and how suppliers list theirs. With questions from the floor.',
    kind: 'WEBINAR',
    audience: 'SUPPLIERS',
    day: -150,
    from: '10:00',
    to: '11:30',
    capacity: 500,
    hosts: ['ips-body', 'dft'],
  },
  {
    key: 'innovation-summit',
    title: 'Local Roads Innovation Summit',
    description:
      'A day of talks and panels on bringing proven innovations onto local roads faster, with buyers, suppliers and researchers.',
    kind: 'CONFERENCE',
    audience: 'PUBLIC',
    day: -130,
    from: '09:00',
    to: '17:30',
    venue: 'Manchester Central Convention Complex',
    hybrid: true,
    capacity: 450,
    hosts: ['ips-body', 'tfgm', 'manchester'],
  },
  {
    key: 'road-safety-showcase-belfast',
    title: 'Road safety technology showcase',
    description: 'Vehicle-activated signs, high-friction surfacing and crossing detection, demonstrated on a closed road.',
    kind: 'SHOWCASE',
    audience: 'ALL_MEMBERS',
    day: -100,
    from: '10:00',
    to: '15:00',
    venue: 'Titanic Exhibition Centre, Belfast',
    capacity: 120,
    hosts: ['safe-roads', 'belfast'],
  },
  {
    key: 'dps-briefing-launch',
    title: 'Getting on the Highways Innovation DPS: supplier briefing',
    description:
      'How to apply to the Highways Innovation Dynamic Purchasing System: eligibility, the selection questions, and what buyers look for. Counts as preliminary market engagement.',
    kind: 'SUPPLIER_BRIEFING',
    audience: 'SUPPLIERS',
    day: -80,
    from: '14:00',
    to: '15:30',
    capacity: 300,
    hosts: ['ccs', 'ips-body'],
    routes: ['RM6301'],
  },
  {
    key: 'north-wales-roadshow',
    title: 'IPS roadshow: North Wales',
    description: 'Meet the IPS team and suppliers working in North Wales; bilingual sessions on routes to buying innovation.',
    kind: 'WORKSHOP',
    audience: 'ALL_MEMBERS',
    day: -70,
    from: '09:30',
    to: '15:30',
    venue: 'Galeri, Caernarfon',
    capacity: 80,
    hosts: ['gwynedd', 'ips-body', 'welsh-government'],
  },
  {
    key: 'compliant-routes-workshop-north',
    title: 'Compliant routes to innovation: a workshop for buyers in the North',
    description:
      'Working through real procurement cases: which framework or DPS fits, when a direct award is lawful, and how to record the decision.',
    kind: 'WORKSHOP',
    audience: 'BUYERS',
    day: -45,
    from: '09:30',
    to: '16:00',
    venue: 'Leeds Civic Hall',
    capacity: 60,
    hosts: ['ips-body', 'transport-for-the-north', 'leeds'],
    routes: ['RM6302', 'RM6304'],
  },
  {
    key: 'kerbside-data-workshop',
    title: 'Kerbside data and digital traffic regulation orders',
    description: 'How councils are publishing traffic orders as data, and what suppliers can build on them.',
    kind: 'WORKSHOP',
    audience: 'ALL_MEMBERS',
    day: -35,
    from: '13:00',
    to: '16:30',
    venue: 'Sunderland City Hall',
    hybrid: true,
    capacity: 50,
    hosts: ['kerbside-digital', 'sunderland'],
  },
  {
    key: 'surfacing-showcase-midlands',
    title: 'Road surfacing showcase: low-carbon asphalt and recycled binders',
    description: 'Live laying of warm-mix and bio-binder surfacing on the test track, with the lab results behind each product.',
    kind: 'SHOWCASE',
    audience: 'ALL_MEMBERS',
    day: -30,
    from: '10:00',
    to: '15:30',
    venue: 'Midlands Transport Research Lab test track, Nottingham',
    capacity: 150,
    hosts: ['midlands-transport-lab', 'resurface-tech', 'green-binder'],
    routes: ['RM6302'],
  },
  {
    key: 'winter-service-workshop',
    title: 'Winter service planning workshop',
    description: 'Route-based forecasting and precautionary salting for rural networks. Called off because of severe weather.',
    kind: 'WORKSHOP',
    audience: 'BUYERS',
    day: -25,
    from: '10:00',
    to: '14:00',
    venue: 'Woodhill House, Aberdeen',
    capacity: 40,
    hosts: ['aberdeenshire', 'grit-smart'],
    state: 'CANCELLED',
  },
  {
    key: 'dps-briefing-northern-ireland',
    title: 'Getting on the Highways Innovation DPS: supplier briefing in Northern Ireland',
    description:
      'The DPS briefing for suppliers based in Northern Ireland, with the Department for Infrastructure on how NI buyers will use it.',
    kind: 'SUPPLIER_BRIEFING',
    audience: 'SUPPLIERS',
    day: -20,
    from: '10:00',
    to: '12:30',
    venue: 'Belfast City Hall',
    hybrid: true,
    capacity: 90,
    hosts: ['ccs', 'dfi-ni'],
    routes: ['RM6301'],
  },
  {
    key: 'dps-application-clinic',
    title: 'DPS application clinic: your questions answered live',
    description:
      'A small online clinic where the IPS team walks through real DPS applications. Seats are limited so everyone can ask; a waiting list opens when it is full.',
    kind: 'WEBINAR',
    audience: 'ALL_MEMBERS',
    day: 12,
    from: '11:00',
    to: '12:00',
    capacity: 6,
    hosts: ['ips-body'],
    routes: ['RM6301'],
  },
  {
    key: 'bridge-monitoring-webinar',
    title: 'Monitoring ageing bridges with sensors',
    description: 'What two years of strain and scour monitoring on Fife bridges showed, and what it cost.',
    kind: 'WEBINAR',
    audience: 'ALL_MEMBERS',
    day: -15,
    from: '12:30',
    to: '13:30',
    hosts: ['bridgewise', 'fife'],
  },
  {
    key: 'street-lighting-webinar',
    title: 'Smart street lighting: results from council trials',
    description: 'Dimming profiles, central management systems and the energy savings councils have measured.',
    kind: 'WEBINAR',
    audience: 'ALL_MEMBERS',
    day: -10,
    from: '14:00',
    to: '15:00',
    hosts: ['lumen-streets', 'hertfordshire'],
    routes: ['RM6303'],
  },
  {
    key: 'sme-bid-clinic',
    title: 'Bid-writing clinic for SMEs',
    description: 'One-to-one slots and a short talk on answering quality questions well. For suppliers new to public sector bids.',
    kind: 'WORKSHOP',
    audience: 'SUPPLIERS',
    day: -5,
    from: '09:30',
    to: '12:30',
    capacity: 30,
    hosts: ['ips-body', 'surrey'],
    routes: ['RM6301'],
  },
  {
    key: 'dft-funding-webinar',
    title: 'Highways maintenance funding and innovation: a DfT briefing for buyers',
    description: "How this year's maintenance funding can be spent on innovation, and the reporting that comes with it.",
    kind: 'WEBINAR',
    audience: 'BUYERS',
    day: 3,
    from: '11:00',
    to: '12:00',
    capacity: 400,
    hosts: ['dft'],
  },
  {
    key: 'street-lighting-lot-briefing',
    title: 'Street lighting and EV charging: supplier briefing',
    description:
      'What buyers plan to buy through the street lighting framework and the EV charging dynamic market in the coming year. Counts as preliminary market engagement.',
    kind: 'SUPPLIER_BRIEFING',
    audience: 'SUPPLIERS',
    day: 7,
    from: '10:00',
    to: '11:30',
    capacity: 250,
    hosts: ['ccs', 'ips-body'],
    routes: ['RM6303', 'RM6304'],
  },
  {
    key: 'ev-charging-webinar',
    title: 'On-street EV charging: procurement options for councils',
    description: 'Concessions, frameworks and the DPS compared, with councils that have used each.',
    kind: 'WEBINAR',
    audience: 'BUYERS',
    day: 10,
    from: '14:00',
    to: '15:15',
    hosts: ['voltway', 'ccs', 'camden'],
    routes: ['RM6304', 'RM6301'],
  },
  {
    key: 'dps-briefing-online',
    title: 'Getting on the Highways Innovation DPS: supplier briefing',
    description:
      'The regular online briefing for suppliers applying to the Highways Innovation DPS, repeated for those who missed the launch.',
    kind: 'SUPPLIER_BRIEFING',
    audience: 'SUPPLIERS',
    day: 14,
    from: '14:00',
    to: '15:30',
    capacity: 300,
    hosts: ['ccs', 'ips-body'],
    routes: ['RM6301'],
  },
  {
    key: 'traffic-signals-briefing',
    title: 'Traffic signal upgrades in London: supplier briefing',
    description:
      'Planned upgrades to signals and detection across two boroughs, ahead of the new traffic management technology framework. Called off until the funding is confirmed.',
    kind: 'SUPPLIER_BRIEFING',
    audience: 'SUPPLIERS',
    day: 18,
    from: '10:00',
    to: '12:00',
    venue: 'Camden Town Hall, London',
    capacity: 70,
    hosts: ['camden', 'hackney'],
    routes: ['RM6305'],
    state: 'CANCELLED',
  },
  {
    key: 'compliant-routes-workshop-midlands',
    title: 'Compliant routes to innovation: a workshop for buyers',
    description:
      'For highway authority buyers: choosing between the DPS, frameworks and innovation partnerships, with worked examples and templates.',
    kind: 'WORKSHOP',
    audience: 'BUYERS',
    day: 21,
    from: '09:30',
    to: '16:00',
    venue: 'WMCA, 16 Summer Lane, Birmingham',
    capacity: 60,
    hosts: ['ips-body', 'ccs', 'wmca'],
    routes: ['RM6301', 'RM6302', 'RM6303'],
  },
  {
    key: 'pothole-showcase-kent',
    title: 'Pothole repair showcase: first-time permanent repairs',
    description: 'Spray injection, infrared reheating and jet patching side by side on the same road, with cost per repair.',
    kind: 'SHOWCASE',
    audience: 'ALL_MEMBERS',
    day: 28,
    from: '10:00',
    to: '15:00',
    venue: 'Kent Highways depot, Aylesford',
    capacity: 100,
    hosts: ['kent', 'pothole-pro', 'northern-surfacing'],
    routes: ['RM6302'],
  },
  {
    key: 'public-webinar',
    title: 'How councils choose road innovations: an open session',
    description: 'For residents, councillors and anyone curious: how new products get onto local roads, and how they are checked.',
    kind: 'WEBINAR',
    audience: 'PUBLIC',
    day: 30,
    from: '18:30',
    to: '19:30',
    hosts: ['ips-body'],
  },
  {
    key: 'dps-briefing-wales',
    title: 'Getting on the Highways Innovation DPS: supplier briefing for Wales',
    description: 'The DPS briefing for suppliers in Wales, with Welsh Government on how Welsh councils will buy through it.',
    kind: 'SUPPLIER_BRIEFING',
    audience: 'SUPPLIERS',
    day: 35,
    from: '10:00',
    to: '12:30',
    venue: 'Cardiff City Hall',
    hybrid: true,
    capacity: 90,
    hosts: ['ccs', 'welsh-government', 'cardiff'],
    routes: ['RM6301'],
  },
  {
    key: 'dps-briefing-scotland',
    title: 'Getting on the Highways Innovation DPS: supplier briefing for Scotland',
    description: 'The DPS briefing for suppliers in Scotland, with Transport Scotland on how it sits alongside Scottish frameworks.',
    kind: 'SUPPLIER_BRIEFING',
    audience: 'SUPPLIERS',
    day: 42,
    from: '10:00',
    to: '12:30',
    venue: 'Glasgow City Chambers',
    hybrid: true,
    capacity: 90,
    hosts: ['ccs', 'transport-scotland', 'glasgow'],
    routes: ['RM6301'],
  },
  {
    key: 'drainage-workshop-wales',
    title: 'Flood-resilient drainage for Welsh highways',
    description: 'Sustainable drainage, gully sensors and the evidence councils need before adopting them.',
    kind: 'WORKSHOP',
    audience: 'ALL_MEMBERS',
    day: 49,
    from: '09:30',
    to: '15:30',
    venue: 'Swansea Guildhall',
    capacity: 60,
    hosts: ['swansea', 'aquaflow-drainage', 'welsh-government'],
  },
  {
    key: 'market-engagement-workshop',
    title: 'Preliminary market engagement without breaking the rules',
    description:
      'How buyers can talk to suppliers before a procurement, keep it fair, and record what was said; worked through on the coming traffic management technology framework.',
    kind: 'WORKSHOP',
    audience: 'BUYERS',
    day: 56,
    from: '10:00',
    to: '12:30',
    capacity: 80,
    hosts: ['ips-body', 'ccs'],
    routes: ['RM6305'],
  },
  {
    key: 'highlands-roadshow',
    title: 'IPS roadshow: Highlands and Islands',
    description: 'Innovations for remote and island roads, with The Highland Council and suppliers working in the region.',
    kind: 'WORKSHOP',
    audience: 'ALL_MEMBERS',
    day: 63,
    from: '10:00',
    to: '15:30',
    venue: 'Inverness Town House',
    capacity: 60,
    hosts: ['highland', 'ips-body', 'transport-scotland'],
  },
  {
    key: 'cold-surfacing-showcase',
    title: 'Surfacing in the cold: winter-resilient materials showcase',
    description: 'Materials and treatments that survive freeze-thaw cycles, shown on trial sections laid last winter.',
    kind: 'SHOWCASE',
    audience: 'ALL_MEMBERS',
    day: 70,
    from: '10:00',
    to: '14:30',
    venue: 'Caledonian Institute for Road Engineering, Glasgow',
    capacity: 80,
    hosts: ['caledonian-roads-institute', 'grit-smart', 'transport-scotland'],
    routes: ['RM6302'],
  },
  {
    key: 'northern-ireland-roadshow',
    title: 'IPS roadshow: Northern Ireland',
    description: 'Routes to innovation for NI councils and the Department for Infrastructure, with local suppliers.',
    kind: 'WORKSHOP',
    audience: 'ALL_MEMBERS',
    day: 84,
    from: '09:30',
    to: '15:00',
    venue: 'Guildhall, Derry~Londonderry',
    capacity: 70,
    hosts: ['derry-strabane', 'dfi-ni', 'ips-body'],
  },
  {
    key: 'asset-data-webinar',
    title: 'Asset data standards for highway authorities',
    description: 'Draft: a common data model for condition surveys, and how suppliers can deliver to it.',
    kind: 'WEBINAR',
    audience: 'BUYERS',
    day: 90,
    from: '10:00',
    to: '11:00',
    hosts: ['asset-vision', 'lincolnshire'],
    state: 'DRAFT',
  },
  {
    key: 'active-travel-showcase',
    title: 'Active travel showcase: segregated cycleways on rural roads',
    description: 'Draft: modular kerbs and light segregation demonstrated on a Cornish lane.',
    kind: 'SHOWCASE',
    audience: 'ALL_MEMBERS',
    day: 100,
    from: '10:00',
    to: '14:00',
    venue: 'Lys Kernow, Truro',
    capacity: 50,
    hosts: ['cycleway-systems', 'cornwall'],
    state: 'DRAFT',
  },
  {
    key: 'annual-conference',
    title: 'IPS Annual Conference: Innovation on the Network',
    description: 'Two days of keynotes, case studies and an exhibition hall: what the IPS has bought, what worked, and what comes next.',
    kind: 'CONFERENCE',
    audience: 'ALL_MEMBERS',
    day: 120,
    from: '09:00',
    to: '17:00',
    days: 2,
    venue: 'ICC Birmingham',
    hybrid: true,
    capacity: 600,
    hosts: ['ips-body', 'dft', 'national-highways', 'wmca'],
    routes: ['RM6301', 'RM6302', 'RM6303', 'RM6304', 'RM6305'],
  },
];

const londonParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

/** Minutes UK time is ahead of UTC at this instant (0 in winter, 60 in summer). */
function londonOffsetMinutes(instant: Date): number {
  const part = (type: string) => Number(londonParts.formatToParts(instant).find((p) => p.type === type)!.value);
  const wallClockAsUtc = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'));
  return Math.round((wallClockAsUtc - instant.getTime()) / 60_000);
}

/** The instant at `time` ("HH:MM") UK time on the UTC calendar day of `day`. */
function atLondonTime(day: Date, time: string): Date {
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  const asUtc = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), hours, minutes);
  return new Date(asUtc - londonOffsetMinutes(new Date(asUtc)) * 60_000);
}

const dayMs = 24 * 60 * 60 * 1000;

/** The demo events with dates `plan.day` days from `now`, on weekdays, in start order. */
export function buildDemoEvents(now: Date): DemoEvent[] {
  return plans
    .map((plan): DemoEvent => {
      const day = new Date(now.getTime() + plan.day * dayMs);
      const weekday = day.getUTCDay();
      const firstDay = new Date(day.getTime() + (weekday === 6 ? 2 : weekday === 0 ? 1 : 0) * dayMs);
      const lastDay = new Date(firstDay.getTime() + ((plan.days ?? 1) - 1) * dayMs);
      const startsAt = atLondonTime(firstDay, plan.from);
      const endsAt = atLondonTime(lastDay, plan.to);
      return {
        key: plan.key,
        id: demoId('event', plan.key),
        title: plan.title,
        description: plan.description,
        kind: plan.kind,
        audience: plan.audience,
        status: plan.state ?? (endsAt <= now ? 'COMPLETED' : 'SCHEDULED'),
        startsAt,
        endsAt,
        venue: plan.venue ?? null,
        online: !plan.venue || plan.hybrid === true,
        capacity: plan.capacity ?? null,
        hostIds: plan.hosts.map((key) => demoOrganisation(key).id),
        routeIds: (plan.routes ?? []).map(demoRouteId),
      };
    })
    .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}
