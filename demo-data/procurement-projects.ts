import { demoId } from './ids';
import { demoInnovations } from './innovations';
import { demoOrganisation } from './organisations';
import { demoPersona } from './personas';
import { demoAdmissions } from './procurement-routes';

/**
 * Demo procurement projects, one at each interesting stage: a direct award in standstill, a further
 * competition in clarification with published answers, one in evaluation and one contracted, plus a
 * contracted direct award in Wales on another route. Dates
 * are working-day offsets from the day the data is seeded (negative: in the past), so each project
 * is at its stage whenever the demo starts; the procurement seed turns them into dates.
 */
export interface DemoProject {
  key: string;
  id: string;
  buyerId: string;
  createdBy: string;
  title: string;
  need: string;
  budget: number;
  lotId: string;
  procedure: 'DIRECT_AWARD' | 'FURTHER_COMPETITION';
  stage: 'STANDSTILL' | 'CLARIFICATION' | 'EVALUATION' | 'CONTRACTED';
  criteria: { name: string; weight: number }[];
  shortlist: { innovationId: string; supplierId: string; category: string }[];
  /** Working days relative to seeding: when created, published, the cut-off, the deadline, the award. */
  days: { created: number; published?: number; clarificationCloses?: number; deadline?: number; awarded?: number };
  directAwardJustification?: string;
  questions: { question: string; answer: string | null; askedBy: string }[];
  /** Responses by supplier key: proposal, price, and the evaluator's score per criterion. */
  responses: { supplierId: string; proposal: string; price: number; scores: number[] }[];
  winnerSupplierId?: string;
  awardValue?: number;
  contract?: { value: number; startsOn: string; endsOn: string };
}

const potholeLot = demoId('lot', 'RM6302/2');
const admittedOn = (lotId: string) => demoAdmissions.filter((a) => a.lotId === lotId && a.status === 'ADMITTED').map((a) => a.supplierId);
const potholeSuppliers = admittedOn(potholeLot);
const approvedOn = (supplierId: string) =>
  demoInnovations.find((i) => i.supplierId === supplierId && i.category === 'POTHOLE_REPAIR' && i.status === 'APPROVED');
const shortlistable = potholeSuppliers.flatMap((supplierId) => {
  const innovation = approvedOn(supplierId);
  return innovation ? [{ innovationId: innovation.id, supplierId, category: innovation.category }] : [];
});
if (shortlistable.length < 2) throw new Error('The demo needs two admitted pothole suppliers with approved innovations');
const [first, second] = shortlistable as [(typeof shortlistable)[number], (typeof shortlistable)[number]];
// A second route, lot and nation, so analysts' pipeline and awards-by-nation insights have more than one group.
const lightingLot = demoId('lot', 'RM6303/1');
const [lightingSupplier] = admittedOn(lightingLot);
const lightingInnovation = demoInnovations.find(
  (i) => i.supplierId === lightingSupplier && i.category === 'STREET_LIGHTING' && i.status === 'APPROVED',
);
if (!lightingSupplier || !lightingInnovation) throw new Error('The demo needs an admitted lighting supplier with an approved innovation');
const kent = demoOrganisation('kent').id;
const cardiff = demoOrganisation('cardiff').id;
const kentBuyer = demoPersona('kent-buyer').id;
const cardiffBuyer = demoPersona('cardiff-buyer').id;
const criteria = [
  { name: 'Quality and durability', weight: 60 },
  { name: 'Price', weight: 40 },
];
const responsesFrom = (scores: [number, number][]) =>
  potholeSuppliers.slice(0, scores.length).map((supplierId, index) => ({
    supplierId,
    proposal: `Permanent repairs using our approved process, with a 5-year guarantee (bid ${index + 1}).`,
    price: 70000 + index * 6500,
    scores: scores[index]!,
  }));

export const demoProjects: DemoProject[] = [
  {
    key: 'kent-direct-award',
    id: demoId('procurement-project', 'kent-direct-award'),
    buyerId: kent,
    createdBy: kentBuyer,
    title: 'Pothole repair pilot on the A28',
    need: 'A pilot of permanent pothole repairs on 12 km of the A28, to compare with our current patching.',
    budget: 48000,
    lotId: potholeLot,
    procedure: 'DIRECT_AWARD',
    stage: 'STANDSTILL',
    criteria: [],
    shortlist: [first],
    days: { created: -4, awarded: -2 },
    directAwardJustification: 'The framework price list meets the need; lot 2 allows direct award at list price.',
    questions: [],
    responses: [],
    winnerSupplierId: first.supplierId,
    awardValue: 45000,
  },
  {
    key: 'kent-clarification',
    id: demoId('procurement-project', 'kent-clarification'),
    buyerId: kent,
    createdBy: kentBuyer,
    title: 'Countywide permanent pothole repairs 2027',
    need: 'Permanent repair of around 6,000 potholes a year across Kent, with first-time-fix rates reported monthly.',
    budget: 1200000,
    lotId: potholeLot,
    procedure: 'FURTHER_COMPETITION',
    stage: 'CLARIFICATION',
    criteria,
    shortlist: [first, second],
    days: { created: -7, published: -5, clarificationCloses: -1, deadline: 4 },
    questions: [
      {
        question: 'Is night working allowed on A-roads?',
        answer: 'Yes, between 20:00 and 06:00 with a traffic management plan.',
        askedBy: second.supplierId,
      },
      { question: 'Will the council supply traffic management?', answer: 'No: include it in your price.', askedBy: first.supplierId },
    ],
    responses: [],
  },
  {
    key: 'cardiff-evaluation',
    id: demoId('procurement-project', 'cardiff-evaluation'),
    buyerId: cardiff,
    createdBy: cardiffBuyer,
    title: 'Pothole repair for Cardiff residential streets',
    need: 'Repairs on residential streets with minimal disruption, including reporting through our asset system.',
    budget: 180000,
    lotId: potholeLot,
    procedure: 'FURTHER_COMPETITION',
    stage: 'EVALUATION',
    criteria,
    shortlist: [first],
    days: { created: -16, published: -14, clarificationCloses: -10, deadline: -2 },
    questions: [
      { question: 'May we propose a staged programme?', answer: 'Yes, describe the stages in your proposal.', askedBy: first.supplierId },
    ],
    responses: responsesFrom([
      [70, 80],
      [75, 60],
    ]).map((r, i) => ({ ...r, scores: i === 0 ? r.scores : [] })),
  },
  {
    key: 'kent-contracted',
    id: demoId('procurement-project', 'kent-contracted'),
    buyerId: kent,
    createdBy: kentBuyer,
    title: 'Pothole repairs on the Sevenoaks network',
    need: 'Permanent pothole repairs across the Sevenoaks district road network for one year.',
    budget: 150000,
    lotId: potholeLot,
    procedure: 'FURTHER_COMPETITION',
    stage: 'CONTRACTED',
    criteria,
    shortlist: [first, second],
    days: { created: -40, published: -38, clarificationCloses: -34, deadline: -28, awarded: -24 },
    questions: [
      { question: 'Is the network map available?', answer: 'Yes, it is attached to the tender documents.', askedBy: second.supplierId },
    ],
    responses: responsesFrom([
      [80, 70],
      [65, 90],
    ]),
    winnerSupplierId: potholeSuppliers[0],
    contract: { value: 70000, startsOn: '', endsOn: '' },
  },
  {
    key: 'cardiff-lighting-contracted',
    id: demoId('procurement-project', 'cardiff-lighting-contracted'),
    buyerId: cardiff,
    createdBy: cardiffBuyer,
    title: 'LED lantern replacement in Cardiff Bay',
    need: 'Replace 900 sodium lanterns in Cardiff Bay with LED lanterns, with energy use reported quarterly.',
    budget: 95000,
    lotId: lightingLot,
    procedure: 'DIRECT_AWARD',
    stage: 'CONTRACTED',
    criteria: [],
    shortlist: [{ innovationId: lightingInnovation.id, supplierId: lightingSupplier, category: lightingInnovation.category }],
    days: { created: -70, awarded: -60 },
    directAwardJustification: 'Lot 1 allows direct award where the framework price list meets the need, as it does here.',
    questions: [],
    responses: [],
    winnerSupplierId: lightingSupplier,
    awardValue: 88000,
    contract: { value: 88000, startsOn: '', endsOn: '' },
  },
];
