import { demoId, pick, seededRandom } from './ids';
import { demoOrganisations } from './organisations';

export interface DemoPerson {
  id: string;
  organisationId: string;
  name: string;
  jobTitle: string;
  email: string;
}

const firstNames = ['Amelia', 'Oliver', 'Isla', 'George', 'Ffion', 'Rhys', 'Eilidh', 'Callum', 'Siobhan', 'Ciaran', 'Priya', 'Tomasz', 'Grace', 'Yusuf', 'Hannah', 'Dylan', 'Aisha', 'Fraser', 'Niamh', 'Owain'];
const lastNames = ['Patel', 'Jones', 'MacLeod', 'Evans', "O'Neill", 'Smith', 'Campbell', 'Williams', 'Khan', 'Murphy', 'Davies', 'Thomson', 'Hughes', 'Nowak', 'Robertson', 'Begum', 'Taylor', 'Quinn'];
const buyerTitles = ['Head of Highways', 'Highways Asset Manager', 'Procurement Officer', 'Principal Engineer', 'Network Innovation Lead'];
const supplierTitles = ['Managing Director', 'Business Development Manager', 'Technical Director', 'Bid Manager'];
const otherTitles = ['Innovation Programme Manager', 'Research Fellow', 'Policy Adviser'];

function emailDomain(website: string | null, key: string): string {
  return website ? new URL(website).hostname.replace(/^www\./, '') : `${key}.example`;
}

/** Two or three people per organisation, with names, titles and work emails. */
export const demoPeople: DemoPerson[] = demoOrganisations.flatMap((organisation, index) => {
  const random = seededRandom(1000 + index);
  const titles =
    organisation.kind === 'SUPPLIER' ? supplierTitles : organisation.kind === 'ACADEMIC' || organisation.kind === 'TRADE_BODY' ? otherTitles : buyerTitles;
  const count = 2 + (index % 2);
  return Array.from({ length: count }, (_, n) => {
    const first = pick(random, firstNames);
    const last = pick(random, lastNames);
    const local = `${first}.${last}${n}`.toLowerCase().replace(/[^a-z.0-9]/g, '');
    return {
      id: demoId('person', `${organisation.key}-${n}`),
      organisationId: organisation.id,
      name: `${first} ${last}`,
      jobTitle: titles[n % titles.length]!,
      email: `${local}@${emailDomain(organisation.website, organisation.key)}`,
    };
  });
});
