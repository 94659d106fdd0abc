import type { DemoEvent } from './events';
import { demoId } from './ids';
import { demoInnovations } from './innovations';
import { demoOrganisations, demoSuppliers, type DemoOrganisation } from './organisations';
import { demoPeople, type DemoPerson } from './people';

/**
 * Demo engagement around the demo events: registrations (a full upcoming webinar with a waiting
 * list, past events with attendance, supplier briefings with attendance by organisation kind),
 * questions answered at briefings, FAQs in every topic, and open and answered support requests.
 * Built from the same seeding time as the events; the named personas are left unregistered so
 * tests and the explorer can register them.
 */
export interface DemoRegistration {
  eventId: string;
  personId: string;
  organisationId: string;
  organisationKind: string;
  status: 'CONFIRMED' | 'WAITING';
  registeredAt: Date;
  attended: boolean | null;
}

const kindOf = (person: DemoPerson): DemoOrganisation => demoOrganisations.find((o) => o.id === person.organisationId)!;
const inactive = new Set(['croydon', 'kerbside-digital', 'caledonian-roads-institute', 'safe-roads', 'south-cambridgeshire']);
const activePeople = demoPeople.filter((p) => !inactive.has(kindOf(p).key));
const supplierIds = new Set(demoSuppliers.map((s) => s.id));
const nonBuyerKinds = ['SUPPLIER', 'ACADEMIC', 'TRADE_BODY'];

function audienceFor(event: DemoEvent): DemoPerson[] {
  switch (event.audience) {
    case 'SUPPLIERS':
      return activePeople.filter((p) => supplierIds.has(p.organisationId));
    case 'BUYERS':
      return activePeople.filter((p) => !nonBuyerKinds.includes(kindOf(p).kind));
    default:
      return activePeople;
  }
}

/** The joining link the demo gives an online event. */
export const demoJoinUrl = (event: DemoEvent) => (event.online ? `https://meet.roads-innovation.example/${event.key}` : null);

/** The upcoming webinar that is full, with people waiting. */
export const fullWebinarKey = 'dps-application-clinic';

export function buildDemoRegistrations(events: DemoEvent[], now: Date): DemoRegistration[] {
  const registrations: DemoRegistration[] = [];
  events.forEach((event, index) => {
    if (event.status === 'DRAFT' || event.status === 'CANCELLED') return;
    const pool = audienceFor(event);
    const full = event.key === fullWebinarKey;
    const count = full ? event.capacity! + 3 : event.status === 'COMPLETED' || event.kind === 'SUPPLIER_BRIEFING' ? 8 : 3;
    for (let n = 0; n < Math.min(count, pool.length); n++) {
      const person = pool[(index * 7 + n * 5) % pool.length]!;
      if (registrations.some((r) => r.eventId === event.id && r.personId === person.id)) continue;
      const confirmed =
        event.capacity === null || registrations.filter((r) => r.eventId === event.id && r.status === 'CONFIRMED').length < event.capacity;
      registrations.push({
        eventId: event.id,
        personId: person.id,
        organisationId: person.organisationId,
        organisationKind: kindOf(person).kind,
        status: confirmed ? 'CONFIRMED' : 'WAITING',
        registeredAt: new Date(Math.min(event.startsAt.getTime(), now.getTime()) - (30 - n) * 3_600_000),
        // Past events record attendance; roughly three in four came.
        attended: event.status === 'COMPLETED' && confirmed ? (index + n) % 4 !== 0 : null,
      });
    }
  });
  return registrations;
}

export interface DemoBriefingQuestion {
  eventKey: string;
  question: string;
  answer: string;
}

export const demoBriefingQuestions: DemoBriefingQuestion[] = [
  {
    eventKey: 'dps-briefing-launch',
    question: 'Can a supplier join the DPS after it opens?',
    answer:
      'Yes. A dynamic purchasing system admits suppliers at any time while it is live; applications are assessed within ten working days.',
  },
  {
    eventKey: 'dps-briefing-launch',
    question: 'Do we need a Companies House number?',
    answer: 'UK companies give their number; sole traders and overseas suppliers give equivalent registration details.',
  },
  {
    eventKey: 'dps-briefing-launch',
    question: 'Will every admitted supplier be invited to each competition?',
    answer: 'Yes: on a DPS every supplier admitted to the lot is invited to each further competition under it.',
  },
  {
    eventKey: 'dps-briefing-northern-ireland',
    question: 'Can Northern Ireland councils buy through the DPS?',
    answer: 'Yes; the Department for Infrastructure confirmed NI district councils are eligible buyers.',
  },
];

export interface DemoFaq {
  topic: 'THE_IPS' | 'PROCUREMENT_ROUTES' | 'SUPPLIER_ONBOARDING' | 'BUYING';
  question: string;
  answer: string;
  published: boolean;
}

export const demoFaqs: DemoFaq[] = [
  {
    topic: 'THE_IPS',
    question: 'What is the Innovation Procurement System?',
    answer:
      'A route for councils to find proven roads innovations and buy them compliantly, run by the industry body with the Department for Transport and Crown Commercial Service.',
    published: true,
  },
  {
    topic: 'THE_IPS',
    question: 'Who can use the IPS?',
    answer:
      'Member councils, highway authorities and national bodies buy; member suppliers list innovations. Anyone can browse the public catalogue.',
    published: true,
  },
  {
    topic: 'THE_IPS',
    question: 'How much does membership cost?',
    answer: 'Council membership is funded; supplier associate membership has an annual fee by company size.',
    published: false,
  },
  {
    topic: 'PROCUREMENT_ROUTES',
    question: 'What is a dynamic purchasing system?',
    answer:
      'An electronic procurement route that suppliers can join at any time; buyers run further competitions among admitted suppliers.',
    published: true,
  },
  {
    topic: 'PROCUREMENT_ROUTES',
    question: 'When is a direct award allowed?',
    answer: 'Only where the lot permits direct award and the buyer records why the chosen supplier offers best value.',
    published: true,
  },
  {
    topic: 'SUPPLIER_ONBOARDING',
    question: 'How do I list an innovation?',
    answer: 'Create a draft, add evidence of deployment, then submit it for vetting by the innovation board.',
    published: true,
  },
  {
    topic: 'SUPPLIER_ONBOARDING',
    question: 'What evidence do assessors look for?',
    answer: 'Deployments at named authorities with measured outcomes, certifications and safety standards met.',
    published: true,
  },
  {
    topic: 'BUYING',
    question: 'How do I buy an innovation?',
    answer: 'Shortlist proven innovations, pick a live route and lot, then run a direct award or further competition.',
    published: true,
  },
  {
    topic: 'BUYING',
    question: 'Can we trial before buying?',
    answer: 'Yes: many suppliers offer trials, and the innovation board can match trials to council sites.',
    published: true,
  },
];

export interface DemoSupportRequest {
  id: string;
  requesterId: string;
  organisationId: string;
  category: 'ACCOUNT' | 'MEMBERSHIP' | 'PROCUREMENT' | 'CATALOGUE' | 'EVENTS' | 'TECHNICAL' | 'OTHER';
  subject: string;
  message: string;
  /** Present when the IPS team has answered. */
  answer?: string;
  daysAgo: number;
}

const personAt = (organisationKey: string) =>
  demoPeople.find((p) => p.organisationId === demoOrganisations.find((o) => o.key === organisationKey)!.id)!;

export const demoSupportRequests: DemoSupportRequest[] = [
  {
    key: 'gwynedd',
    category: 'PROCUREMENT' as const,
    subject: 'Which lot covers bilingual signage?',
    message: 'We want to buy bilingual variable message signs. Which lot of the traffic management route covers them?',
    daysAgo: 2,
  },
  {
    key: 'fife',
    category: 'EVENTS' as const,
    subject: 'Recording of the bridge monitoring webinar',
    message: 'Is there a recording of the bridge monitoring webinar for colleagues who missed it?',
    answer: 'Yes: recordings are sent to everyone registered within a week of the webinar.',
    daysAgo: 5,
  },
  {
    key: 'green-binder',
    category: 'CATALOGUE' as const,
    subject: 'Adding a second certification',
    message: 'How do we add a second product approval certificate to our listing?',
    answer: 'Edit the innovation and add the certificate under Evidence; an approved listing keeps showing while the change is reviewed.',
    daysAgo: 9,
  },
].map(({ key, ...request }) => {
  const person = personAt(key);
  return { ...request, id: demoId('support-request', key), requesterId: person.id, organisationId: person.organisationId };
});

/** Showcases show their host suppliers' approved innovations (up to three each). */
export function buildDemoEventInnovations(events: DemoEvent[]): { eventId: string; innovationId: string; position: number }[] {
  return events
    .filter((event) => event.kind === 'SHOWCASE')
    .flatMap((event) =>
      demoInnovations
        .filter((innovation) => innovation.status === 'APPROVED' && event.hostIds.includes(innovation.supplierId))
        .slice(0, 3)
        .map((innovation, position) => ({ eventId: event.id, innovationId: innovation.id, position })),
    );
}
