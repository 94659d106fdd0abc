/**
 * Who is asking. The gateway verifies the caller's token, looks the person up in the members
 * subgraph and forwards this to every subgraph, signed (platform/gateway-assertion.ts). Subgraph
 * policies decide from it alone; `null` is an anonymous caller, who sees only public data.
 */
export const organisationRoles = ['ORG_ADMIN', 'BUYER', 'SUPPLIER_CONTRIBUTOR', 'VIEWER'] as const;
export type OrganisationRole = (typeof organisationRoles)[number];

export const platformRoles = ['PLATFORM_ADMIN', 'ASSESSOR', 'ANALYST'] as const;
export type PlatformRole = (typeof platformRoles)[number];

export const membershipStatuses = ['APPLIED', 'ACTIVE', 'LAPSED', 'SUSPENDED', 'LEFT', 'REJECTED'] as const;
export type MembershipStatus = (typeof membershipStatuses)[number];

export interface Viewer {
  personId: string;
  email: string;
  organisationId: string;
  /** The organisation's kind, e.g. SUPPLIER or COUNTY_COUNCIL. */
  organisationKind: string;
  /**
   * The organisation's nation (ENGLAND, WALES, SCOTLAND, NORTHERN_IRELAND): routes are open to
   * buyers by nation, and innovations records it on evidence its authority confirms. Optional so
   * identities minted before it existed still verify.
   */
  organisationNation?: string | null;
  /**
   * The organisation's name as members holds it when the identity was minted. Subgraphs that must
   * publish who acted (procurement's OCDS parties) keep a snapshot of it with their own records,
   * since they may not read members' tables. Optional so older identities still verify.
   */
  organisationName?: string | null;
  /** The organisation's membership status; null when it has never applied. */
  membershipStatus: MembershipStatus | null;
  organisationRoles: OrganisationRole[];
  platformRoles: PlatformRole[];
}

export type Identity = Viewer | null;

export function hasPlatformRole(viewer: Identity, ...roles: PlatformRole[]): boolean {
  return !!viewer && viewer.platformRoles.some((role) => roles.includes(role));
}

/** Platform staff: admins, assessors and analysts of the body that runs the IPS. */
export function isPlatformStaff(viewer: Identity): boolean {
  return !!viewer && viewer.platformRoles.length > 0;
}

export function belongsTo(viewer: Identity, organisationId: string): boolean {
  return !!viewer && viewer.organisationId === organisationId;
}

export function hasOrganisationRole(viewer: Identity, ...roles: OrganisationRole[]): boolean {
  return !!viewer && viewer.organisationRoles.some((role) => roles.includes(role));
}

/** Signed-in person whose organisation is an active member: only they buy or sell through the IPS. */
export function isActiveMember(viewer: Identity): boolean {
  return !!viewer && viewer.membershipStatus === 'ACTIVE';
}

/** What a verified token says about who is signing in (gateway/authentication.ts). */
export interface SignInClaims {
  /** Lower-cased `email` claim: how a person is found at first sign-in. */
  email: string;
  /** `iss` and `sub`: who the issuer says this is; bound to the person at first sign-in. */
  issuer: string;
  subject: string;
}

/** The members subgraph's answer to a sign-in (subgraphs/members/services/identity.service.ts). */
export type SignInResult =
  | { status: 'signed-in'; viewer: Viewer }
  /** No person has this email. */
  | { status: 'unknown' }
  /** The person with this email is bound to another issuer subject, or this subject to another person. */
  | { status: 'subject-mismatch' };

/**
 * Who is asking, in full: the registered person (or null), and for a caller whose verified token
 * names nobody registered yet, that token's claims (`newcomer`). A newcomer is anonymous to every
 * policy (`viewer` is null); the one thing they may do is accept an invitation sent to their
 * token's email address, which creates their person bound to the token's issuer and subject
 * (subgraphs/members/services/invitation.service.ts). The gateway refuses them everything else.
 */
export interface Caller {
  viewer: Identity;
  newcomer: SignInClaims | null;
}
