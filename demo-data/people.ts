import { demoId, pick, seededRandom } from './ids';
import { demoOrganisations, type DemoOrganisationKind } from './organisations';
import { demoPersonas, type DemoPersona } from './personas';

export interface DemoPerson {
  id: string;
  organisationId: string;
  name: string;
  jobTitle: string;
  email: string;
  /** UK format, from Ofcom's ranges reserved for drama (01632 960xxx, 07700 900xxx): never a real line. */
  phone: string;
  organisationRoles: DemoPersona['organisationRoles'];
  platformRoles: DemoPersona['platformRoles'];
}

const firstNames = [
  'Amelia',
  'Oliver',
  'Isla',
  'George',
  'Ffion',
  'Rhys',
  'Eilidh',
  'Callum',
  'Siobhan',
  'Ciaran',
  'Priya',
  'Tomasz',
  'Grace',
  'Yusuf',
  'Hannah',
  'Dylan',
  'Aisha',
  'Fraser',
  'Niamh',
  'Owain',
];
const lastNames = [
  'Patel',
  'Jones',
  'MacLeod',
  'Evans',
  "O'Neill",
  'Smith',
  'Campbell',
  'Williams',
  'Khan',
  'Murphy',
  'Davies',
  'Thomson',
  'Hughes',
  'Nowak',
  'Robertson',
  'Begum',
  'Taylor',
  'Quinn',
];
const buyerTitles = ['Head of Highways', 'Highways Asset Manager', 'Procurement Officer', 'Principal Engineer', 'Network Innovation Lead'];
const supplierTitles = ['Managing Director', 'Business Development Manager', 'Technical Director', 'Bid Manager'];
const otherTitles = ['Innovation Programme Manager', 'Research Fellow', 'Policy Adviser'];

function emailDomain(website: string | null, key: string): string {
  return website ? new URL(website).hostname.replace(/^www\./, '') : `${key}.example`;
}

/** What an organisation's people mostly do there: buy, contribute innovations, or read. */
function workingRole(kind: DemoOrganisationKind): DemoPersona['organisationRoles'][number] {
  if (kind === 'SUPPLIER') return 'SUPPLIER_CONTRIBUTOR';
  if (kind === 'ACADEMIC' || kind === 'TRADE_BODY') return 'VIEWER';
  return 'BUYER';
}

function phoneNumber(serial: number): string {
  const digits = String(serial % 1000).padStart(3, '0');
  return serial % 2 === 0 ? `01632 960${digits}` : `07700 900${digits}`;
}

/**
 * Two or three people per organisation, with names, titles, work emails and phones. The first
 * is an organisation admin, so every organisation has one; the rest work in the organisation's
 * usual role, and a third reads only.
 */
export const demoPeople: DemoPerson[] = demoOrganisations.flatMap((organisation, index) => {
  const random = seededRandom(1000 + index);
  const titles =
    organisation.kind === 'SUPPLIER'
      ? supplierTitles
      : organisation.kind === 'ACADEMIC' || organisation.kind === 'TRADE_BODY'
        ? otherTitles
        : buyerTitles;
  const count = 2 + (index % 2);
  return Array.from({ length: count }, (_, n) => {
    const first = pick(random, firstNames);
    const last = pick(random, lastNames);
    const local = `${first}.${last}${n}`.toLowerCase().replace(/[^a-z.0-9]/g, '');
    const role = workingRole(organisation.kind);
    return {
      id: demoId('person', `${organisation.key}-${n}`),
      organisationId: organisation.id,
      name: `${first} ${last}`,
      jobTitle: titles[n % titles.length]!,
      email: `${local}@${emailDomain(organisation.website, organisation.key)}`,
      phone: phoneNumber(index * 3 + n),
      organisationRoles: n === 0 ? (role === 'VIEWER' ? ['ORG_ADMIN'] : ['ORG_ADMIN', role]) : n === 1 ? [role] : ['VIEWER'],
      platformRoles: [],
    };
  });
});

/** The named personas (demo-data/personas.ts) as people to seed, with phones of their own. */
export const demoPersonaPeople: DemoPerson[] = demoPersonas.map((persona, index) => ({
  id: persona.id,
  organisationId: persona.organisationId,
  name: persona.name,
  jobTitle: persona.jobTitle,
  email: persona.email,
  phone: `07700 900${String(900 + index).padStart(3, '0')}`,
  organisationRoles: persona.organisationRoles,
  platformRoles: persona.platformRoles,
}));
