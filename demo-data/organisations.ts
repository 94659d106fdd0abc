import { LOCAL_AUTHORITY_KINDS, type PublicBodyKind } from '../platform/organisation-kinds';
import { demoId } from './ids';

/**
 * The demo organisations: real UK councils and national bodies across all four nations (public
 * bodies, named as they are), and fictional suppliers, universities and a trade body. Every other
 * subgraph's demo data refers to these by `demoId('organisation', key)`.
 */
export type DemoOrganisationKind = PublicBodyKind | 'SUPPLIER' | 'ACADEMIC' | 'TRADE_BODY';
export type DemoNation = 'ENGLAND' | 'WALES' | 'SCOTLAND' | 'NORTHERN_IRELAND';

export interface DemoOrganisation {
  key: string;
  id: string;
  name: string;
  kind: DemoOrganisationKind;
  nation: DemoNation;
  region: string;
  website: string | null;
  companiesHouseNumber: string | null;
}

type Row = [key: string, name: string, kind: DemoOrganisationKind, nation: DemoNation, region: string, website?: string];

const publicBodies: Row[] = [
  ['kent', 'Kent County Council', 'COUNTY_COUNCIL', 'ENGLAND', 'South East', 'https://www.kent.gov.uk'],
  ['hertfordshire', 'Hertfordshire County Council', 'COUNTY_COUNCIL', 'ENGLAND', 'East of England', 'https://www.hertfordshire.gov.uk'],
  ['lincolnshire', 'Lincolnshire County Council', 'COUNTY_COUNCIL', 'ENGLAND', 'East Midlands', 'https://www.lincolnshire.gov.uk'],
  ['devon', 'Devon County Council', 'COUNTY_COUNCIL', 'ENGLAND', 'South West', 'https://www.devon.gov.uk'],
  ['norfolk', 'Norfolk County Council', 'COUNTY_COUNCIL', 'ENGLAND', 'East of England', 'https://www.norfolk.gov.uk'],
  ['surrey', 'Surrey County Council', 'COUNTY_COUNCIL', 'ENGLAND', 'South East', 'https://www.surreycc.gov.uk'],
  ['cumberland', 'Cumberland Council', 'UNITARY_AUTHORITY', 'ENGLAND', 'North West', 'https://www.cumberland.gov.uk'],
  ['buckinghamshire', 'Buckinghamshire Council', 'UNITARY_AUTHORITY', 'ENGLAND', 'South East', 'https://www.buckinghamshire.gov.uk'],
  ['cornwall', 'Cornwall Council', 'UNITARY_AUTHORITY', 'ENGLAND', 'South West', 'https://www.cornwall.gov.uk'],
  ['shropshire', 'Shropshire Council', 'UNITARY_AUTHORITY', 'ENGLAND', 'West Midlands', 'https://www.shropshire.gov.uk'],
  ['leeds', 'Leeds City Council', 'METROPOLITAN_DISTRICT', 'ENGLAND', 'Yorkshire and the Humber', 'https://www.leeds.gov.uk'],
  ['manchester', 'Manchester City Council', 'METROPOLITAN_DISTRICT', 'ENGLAND', 'North West', 'https://www.manchester.gov.uk'],
  ['birmingham', 'Birmingham City Council', 'METROPOLITAN_DISTRICT', 'ENGLAND', 'West Midlands', 'https://www.birmingham.gov.uk'],
  ['sunderland', 'Sunderland City Council', 'METROPOLITAN_DISTRICT', 'ENGLAND', 'North East', 'https://www.sunderland.gov.uk'],
  ['camden', 'London Borough of Camden', 'LONDON_BOROUGH', 'ENGLAND', 'London', 'https://www.camden.gov.uk'],
  ['hackney', 'London Borough of Hackney', 'LONDON_BOROUGH', 'ENGLAND', 'London', 'https://hackney.gov.uk'],
  ['croydon', 'London Borough of Croydon', 'LONDON_BOROUGH', 'ENGLAND', 'London', 'https://www.croydon.gov.uk'],
  ['maidstone', 'Maidstone Borough Council', 'DISTRICT_COUNCIL', 'ENGLAND', 'South East', 'https://maidstone.gov.uk'],
  [
    'south-cambridgeshire',
    'South Cambridgeshire District Council',
    'DISTRICT_COUNCIL',
    'ENGLAND',
    'East of England',
    'https://www.scambs.gov.uk',
  ],
  ['wmca', 'West Midlands Combined Authority', 'COMBINED_AUTHORITY', 'ENGLAND', 'West Midlands', 'https://www.wmca.org.uk'],
  ['tfgm', 'Transport for Greater Manchester', 'COMBINED_AUTHORITY', 'ENGLAND', 'North West', 'https://tfgm.com'],
  [
    'transport-for-the-north',
    'Transport for the North',
    'COMBINED_AUTHORITY',
    'ENGLAND',
    'North of England',
    'https://transportforthenorth.com',
  ],
  ['cardiff', 'Cardiff Council', 'WELSH_COUNCIL', 'WALES', 'South East Wales', 'https://www.cardiff.gov.uk'],
  ['gwynedd', 'Gwynedd Council', 'WELSH_COUNCIL', 'WALES', 'North Wales', 'https://www.gwynedd.llyw.cymru'],
  ['swansea', 'City and County of Swansea', 'WELSH_COUNCIL', 'WALES', 'South West Wales', 'https://www.swansea.gov.uk'],
  ['powys', 'Powys County Council', 'WELSH_COUNCIL', 'WALES', 'Mid Wales', 'https://www.powys.gov.uk'],
  ['highland', 'The Highland Council', 'SCOTTISH_COUNCIL', 'SCOTLAND', 'Highlands and Islands', 'https://www.highland.gov.uk'],
  ['glasgow', 'Glasgow City Council', 'SCOTTISH_COUNCIL', 'SCOTLAND', 'West of Scotland', 'https://www.glasgow.gov.uk'],
  ['fife', 'Fife Council', 'SCOTTISH_COUNCIL', 'SCOTLAND', 'East of Scotland', 'https://www.fife.gov.uk'],
  ['aberdeenshire', 'Aberdeenshire Council', 'SCOTTISH_COUNCIL', 'SCOTLAND', 'North East Scotland', 'https://www.aberdeenshire.gov.uk'],
  ['belfast', 'Belfast City Council', 'NI_DISTRICT_COUNCIL', 'NORTHERN_IRELAND', 'Belfast', 'https://www.belfastcity.gov.uk'],
  [
    'derry-strabane',
    'Derry City and Strabane District Council',
    'NI_DISTRICT_COUNCIL',
    'NORTHERN_IRELAND',
    'North West',
    'https://www.derrystrabane.com',
  ],
  [
    'newry-mourne-down',
    'Newry, Mourne and Down District Council',
    'NI_DISTRICT_COUNCIL',
    'NORTHERN_IRELAND',
    'South East',
    'https://www.newrymournedown.org',
  ],
  ['dft', 'Department for Transport', 'NATIONAL_BODY', 'ENGLAND', 'National', 'https://www.gov.uk/dft'],
  ['national-highways', 'National Highways', 'NATIONAL_BODY', 'ENGLAND', 'National', 'https://nationalhighways.co.uk'],
  ['transport-scotland', 'Transport Scotland', 'NATIONAL_BODY', 'SCOTLAND', 'National', 'https://www.transport.gov.scot'],
  ['welsh-government', 'Welsh Government', 'NATIONAL_BODY', 'WALES', 'National', 'https://www.gov.wales'],
  ['dfi-ni', 'Department for Infrastructure', 'NATIONAL_BODY', 'NORTHERN_IRELAND', 'National', 'https://www.infrastructure-ni.gov.uk'],
  ['ccs', 'Crown Commercial Service', 'NATIONAL_BODY', 'ENGLAND', 'National', 'https://www.crowncommercial.gov.uk'],
];

const otherMembers: Row[] = [
  ['ips-body', 'Roads Innovation Group', 'TRADE_BODY', 'ENGLAND', 'National'],
  ['midlands-transport-lab', 'Midlands Transport Research Lab (University)', 'ACADEMIC', 'ENGLAND', 'East Midlands'],
  ['caledonian-roads-institute', 'Caledonian Institute for Road Engineering', 'ACADEMIC', 'SCOTLAND', 'West of Scotland'],
];

/** Fictional suppliers: [key, name, nation, region, Companies House number]. */
const supplierRows: [string, string, DemoNation, string, string][] = [
  ['resurface-tech', 'ReSurface Technologies Ltd', 'ENGLAND', 'West Midlands', '09876543'],
  ['pothole-pro', 'PotholePro Solutions Ltd', 'ENGLAND', 'North West', '11223344'],
  ['lumen-streets', 'Lumen Streets Ltd', 'ENGLAND', 'South East', '10293847'],
  ['aquaflow-drainage', 'AquaFlow Drainage Systems Ltd', 'WALES', 'South East Wales', '08765432'],
  ['bridgewise', 'BridgeWise Structural Monitoring Ltd', 'SCOTLAND', 'East of Scotland', 'SC456789'],
  ['signal-logic', 'SignalLogic ITS Ltd', 'ENGLAND', 'London', '12345678'],
  ['safe-roads', 'SafeRoads Engineering Ltd', 'NORTHERN_IRELAND', 'Belfast', 'NI654321'],
  ['voltway', 'Voltway Charging Ltd', 'ENGLAND', 'East of England', '13579246'],
  ['grit-smart', 'GritSmart Winter Services Ltd', 'SCOTLAND', 'Highlands and Islands', 'SC112233'],
  ['asset-vision', 'AssetVision Analytics Ltd', 'ENGLAND', 'Yorkshire and the Humber', '14725836'],
  ['cycleway-systems', 'Cycleway Systems Ltd', 'ENGLAND', 'South West', '15948726'],
  ['green-binder', 'GreenBinder Materials Ltd', 'WALES', 'North Wales', '07418529'],
  ['kerbside-digital', 'Kerbside Digital Ltd', 'ENGLAND', 'North East', '16385274'],
  ['northern-surfacing', 'Northern Surfacing Group plc', 'ENGLAND', 'North West', '02468135'],
];

function fromRow([key, name, kind, nation, region, website]: Row): DemoOrganisation {
  return { key, id: demoId('organisation', key), name, kind, nation, region, website: website ?? null, companiesHouseNumber: null };
}

export const demoOrganisations: DemoOrganisation[] = [
  ...publicBodies.map(fromRow),
  ...otherMembers.map(fromRow),
  ...supplierRows.map(([key, name, nation, region, companiesHouseNumber]) => ({
    key,
    id: demoId('organisation', key),
    name,
    kind: 'SUPPLIER' as const,
    nation,
    region,
    website: `https://www.${key}.example`,
    companiesHouseNumber,
  })),
];

export const demoSuppliers = demoOrganisations.filter((o) => o.kind === 'SUPPLIER');
export const demoBuyers = demoOrganisations.filter((o) => (LOCAL_AUTHORITY_KINDS as readonly string[]).includes(o.kind));

export function demoOrganisation(key: string): DemoOrganisation {
  const found = demoOrganisations.find((o) => o.key === key);
  if (!found) throw new Error(`No demo organisation "${key}"`);
  return found;
}
