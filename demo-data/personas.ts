import { demoId } from './ids';
import { demoOrganisation } from './organisations';

/**
 * Named demo people for sign-in during development and for the authorization tests: the
 * explorer's sign-in panel lists them all (walking a workflow takes a supplier's admin beside its
 * contributor, or two assessors), and `npm run token -- --role BUYER` picks the one marked for
 * each role. They are seeded by the members subgraph alongside the generated demo people, and the
 * README lists them.
 */
export interface DemoPersona {
  key: string;
  id: string;
  name: string;
  jobTitle: string;
  email: string;
  organisationId: string;
  organisationRoles: ('ORG_ADMIN' | 'BUYER' | 'SUPPLIER_CONTRIBUTOR' | 'VIEWER')[];
  platformRoles: ('PLATFORM_ADMIN' | 'ASSESSOR' | 'ANALYST')[];
  /** The role `npm run token -- --role <ROLE>` signs in as; absent for the others of that role. */
  signsInAs?: string;
}

function persona(
  key: string,
  organisationKey: string,
  name: string,
  jobTitle: string,
  email: string,
  organisationRoles: DemoPersona['organisationRoles'],
  platformRoles: DemoPersona['platformRoles'] = [],
  signsInAs?: string,
): DemoPersona {
  return {
    key,
    id: demoId('persona', key),
    name,
    jobTitle,
    email,
    organisationId: demoOrganisation(organisationKey).id,
    organisationRoles,
    platformRoles,
    signsInAs,
  };
}

export const demoPersonas: DemoPersona[] = [
  persona(
    'platform-admin',
    'ips-body',
    'Alex Morgan',
    'IPS Platform Administrator',
    'admin@roads-innovation.example',
    ['ORG_ADMIN'],
    ['PLATFORM_ADMIN'],
    'PLATFORM_ADMIN',
  ),
  persona(
    'assessor',
    'ips-body',
    'Sam Okafor',
    'Innovation Assessor',
    'assessor@roads-innovation.example',
    ['VIEWER'],
    ['ASSESSOR'],
    'ASSESSOR',
  ),
  // Vetting needs two assessments: the demo data and the workflow tests use a panel of three assessors.
  persona(
    'second-assessor',
    'ips-body',
    'Rhiannon Price',
    'Innovation Assessor',
    'rhiannon.price@roads-innovation.example',
    ['VIEWER'],
    ['ASSESSOR'],
  ),
  persona(
    'third-assessor',
    'ips-body',
    'Declan Murphy',
    'Innovation Assessor',
    'declan.murphy@roads-innovation.example',
    ['VIEWER'],
    ['ASSESSOR'],
  ),
  persona('analyst', 'ips-body', 'Jo Lindqvist', 'Market Analyst', 'analyst@roads-innovation.example', ['VIEWER'], ['ANALYST'], 'ANALYST'),
  persona(
    'kent-admin',
    'kent',
    'Priya Shah',
    'Head of Highways Commissioning',
    'priya.shah@kent.gov.uk',
    ['ORG_ADMIN', 'BUYER'],
    [],
    'ORG_ADMIN',
  ),
  persona('kent-buyer', 'kent', 'Tom Fairweather', 'Highways Procurement Officer', 'tom.fairweather@kent.gov.uk', ['BUYER'], [], 'BUYER'),
  persona('cardiff-buyer', 'cardiff', 'Ffion Hughes', 'Network Innovation Lead', 'ffion.hughes@cardiff.gov.uk', ['ORG_ADMIN', 'BUYER']),
  persona('leeds-viewer', 'leeds', 'Callum Reid', 'Transport Policy Officer', 'callum.reid@leeds.gov.uk', ['VIEWER'], [], 'VIEWER'),
  persona(
    'resurface-contributor',
    'resurface-tech',
    'Grace Adeyemi',
    'Bid Manager',
    'grace.adeyemi@resurface-tech.example',
    ['SUPPLIER_CONTRIBUTOR'],
    [],
    'SUPPLIER_CONTRIBUTOR',
  ),
  persona('resurface-admin', 'resurface-tech', 'Owen Pritchard', 'Managing Director', 'owen.pritchard@resurface-tech.example', [
    'ORG_ADMIN',
    'SUPPLIER_CONTRIBUTOR',
  ]),
  persona('potholepro-contributor', 'pothole-pro', 'Niamh Doherty', 'Technical Director', 'niamh.doherty@pothole-pro.example', [
    'ORG_ADMIN',
    'SUPPLIER_CONTRIBUTOR',
  ]),
];

export function demoPersona(key: string): DemoPersona {
  const found = demoPersonas.find((p) => p.key === key);
  if (!found) throw new Error(`No demo persona "${key}"`);
  return found;
}
