import type { DataSource } from 'typeorm';
import type { MembershipStatus, OrganisationRole, PlatformRole, Viewer } from '../../../platform/identity';

interface IdentityRow {
  person_id: string;
  email: string;
  organisation_id: string;
  organisation_kind: string;
  organisation_nation: string;
  membership_status: MembershipStatus | null;
  organisation_roles: OrganisationRole[];
  platform_roles: PlatformRole[];
}

/**
 * Who a verified email address is, in the terms every subgraph's policy uses. The gateway asks
 * this (through `GET /internal/identity`) once per caller and forwards the answer, signed.
 * Returns null for an email that belongs to nobody. One SQL statement.
 */
export async function findViewerByEmail(dataSource: DataSource, email: string): Promise<Viewer | null> {
  const rows: IdentityRow[] = await dataSource.query(
    `SELECT person.id AS person_id, person.email, person.organisation_roles, person.platform_roles,
            organisation.id AS organisation_id, organisation.kind AS organisation_kind, organisation.nation AS organisation_nation,
            membership.status AS membership_status
       FROM members.person
       JOIN members.organisation ON organisation.id = person.organisation_id
       LEFT JOIN members.membership ON membership.organisation_id = person.organisation_id
      WHERE person.email = $1`,
    [email.trim().toLowerCase()],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    personId: row.person_id,
    email: row.email,
    organisationId: row.organisation_id,
    organisationKind: row.organisation_kind,
    organisationNation: row.organisation_nation,
    membershipStatus: row.membership_status,
    organisationRoles: row.organisation_roles,
    platformRoles: row.platform_roles,
  };
}
