/**
 * Groups of organisation kinds (members' `OrganisationKind` enum) that more than one part of the
 * graph needs. One list each, here, so a new kind of council is added once.
 */

/** Councils (local authorities) of every kind, in all four nations. */
export const COUNCIL_KINDS = [
  'COUNTY_COUNCIL',
  'DISTRICT_COUNCIL',
  'UNITARY_AUTHORITY',
  'METROPOLITAN_DISTRICT',
  'LONDON_BOROUGH',
  'WELSH_COUNCIL',
  'SCOTTISH_COUNCIL',
  'NI_DISTRICT_COUNCIL',
] as const;

/** Local authorities: the councils and combined authorities, the buyers who hold FUNDED_COUNCIL membership. */
export const LOCAL_AUTHORITY_KINDS = [...COUNCIL_KINDS, 'COMBINED_AUTHORITY'] as const;

/** Public bodies that buy and vouch for innovations: councils, combined authorities and national bodies. */
export const PUBLIC_BODY_KINDS = [...LOCAL_AUTHORITY_KINDS, 'NATIONAL_BODY'] as const;

export type LocalAuthorityKind = (typeof LOCAL_AUTHORITY_KINDS)[number];
export type PublicBodyKind = (typeof PUBLIC_BODY_KINDS)[number];
