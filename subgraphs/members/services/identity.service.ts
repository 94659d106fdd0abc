import type { DataSource } from 'typeorm';
import { isUuid } from '../../../platform/ids';
import type { MembershipStatus, OrganisationRole, PlatformRole, SignInClaims, SignInResult, Viewer } from '../../../platform/identity';

interface IdentityRow {
  person_id: string;
  email: string;
  organisation_id: string;
  organisation_kind: string;
  organisation_nation: string;
  organisation_name: string;
  membership_status: MembershipStatus | null;
  organisation_roles: OrganisationRole[];
  platform_roles: PlatformRole[];
  auth_issuer: string | null;
  auth_subject: string | null;
}

/**
 * Who a verified email address is, in the terms every subgraph's policy uses. The gateway asks
 * through `signIn` (below, `POST /internal/identity`) on every signed-in request and forwards the
 * answer in its assertions.
 * Returns null for an email that belongs to nobody. One SQL statement.
 */
export async function findViewerByEmail(dataSource: DataSource, email: string): Promise<Viewer | null> {
  const row = await identityRowByEmail(dataSource, email);
  return row ? toViewer(row) : null;
}

/** The identity columns of one person, found by `condition` on `person` (its one parameter is $1). */
const identitySelect = `SELECT person.id AS person_id, person.email, person.organisation_roles, person.platform_roles,
            person.auth_issuer, person.auth_subject,
            organisation.id AS organisation_id, organisation.kind AS organisation_kind, organisation.nation AS organisation_nation,
            organisation.name AS organisation_name,
            membership.status AS membership_status
       FROM members.person
       JOIN members.organisation ON organisation.id = person.organisation_id
       LEFT JOIN members.membership ON membership.organisation_id = person.organisation_id`;

async function identityRowByEmail(dataSource: DataSource, email: string): Promise<IdentityRow | undefined> {
  const rows: IdentityRow[] = await dataSource.query(`${identitySelect} WHERE person.email = $1`, [email.trim().toLowerCase()]);
  return rows[0];
}

/**
 * Who a person is now, by id: what the gateway asks before serving something a person set up
 * earlier and that carries no token of its own (a calendar feed, `gateway/routes/calendar.ts`).
 * Null for a removed person (or an id that is not one). One SQL statement.
 */
export async function findViewerByPersonId(dataSource: DataSource, personId: string): Promise<Viewer | null> {
  if (!isUuid(personId)) return null;
  const rows: IdentityRow[] = await dataSource.query(`${identitySelect} WHERE person.id = $1`, [personId.toLowerCase()]);
  return rows[0] ? toViewer(rows[0]) : null;
}

function toViewer(row: IdentityRow): Viewer {
  return {
    personId: row.person_id,
    email: row.email,
    organisationId: row.organisation_id,
    organisationKind: row.organisation_kind,
    organisationNation: row.organisation_nation,
    organisationName: row.organisation_name,
    membershipStatus: row.membership_status,
    organisationRoles: row.organisation_roles,
    platformRoles: row.platform_roles,
  };
}

/**
 * A sign-in with a verified token, asked by the gateway on every signed-in request (no cache, so
 * removal, role changes and suspension apply at once). The email finds the person; the first
 * sign-in binds them to the token's issuer and subject, and every later token must carry the same
 * pair: a token whose subject and email disagree is refused, and so is one whose subject is already
 * bound to someone else. One SQL statement (three on the first sign-in).
 */
export async function signIn(dataSource: DataSource, claims: SignInClaims): Promise<SignInResult> {
  const row = await identityRowByEmail(dataSource, claims.email);
  if (!row) return { status: 'unknown' };
  let bound = { issuer: row.auth_issuer, subject: row.auth_subject };
  if (bound.subject === null) {
    try {
      // Conditional, so of two first sign-ins at once only one binds; the other compares below.
      await dataSource.query(`UPDATE members.person SET auth_issuer = $2, auth_subject = $3 WHERE id = $1 AND auth_subject IS NULL`, [
        row.person_id,
        claims.issuer,
        claims.subject,
      ]);
    } catch (error) {
      const failure = error as { driverError?: { code?: string }; code?: string };
      if ((failure.driverError?.code ?? failure.code) === uniqueViolation) {
        return { status: 'subject-mismatch' };
      }
      throw error;
    }
    const [again] = (await dataSource.query(`SELECT auth_issuer, auth_subject FROM members.person WHERE id = $1`, [row.person_id])) as {
      auth_issuer: string | null;
      auth_subject: string | null;
    }[];
    bound = { issuer: again?.auth_issuer ?? null, subject: again?.auth_subject ?? null };
  }
  if (bound.issuer !== claims.issuer || bound.subject !== claims.subject) return { status: 'subject-mismatch' };
  return { status: 'signed-in', viewer: toViewer(row) };
}

const uniqueViolation = '23505';
