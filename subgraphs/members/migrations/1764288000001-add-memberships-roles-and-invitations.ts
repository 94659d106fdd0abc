import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appendOnlyTrigger } from '../../../platform/migration-helpers';

const organisationRoles = `ARRAY['ORG_ADMIN', 'BUYER', 'SUPPLIER_CONTRIBUTOR', 'VIEWER']::text[]`;
const platformRoles = `ARRAY['PLATFORM_ADMIN', 'ASSESSOR', 'ANALYST']::text[]`;
const statuses = `'APPLIED', 'ACTIVE', 'LAPSED', 'SUSPENDED', 'LEFT', 'REJECTED'`;

export class AddMembershipsRolesAndInvitations1764288000001 implements MigrationInterface {
  name = 'AddMembershipsRolesAndInvitations1764288000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Roles live on the person: few, always read with the person, and `<@` keeps them to the known set.
    await queryRunner.query(`
      ALTER TABLE members.person
        ADD COLUMN phone text,
        ADD COLUMN organisation_roles text[] NOT NULL DEFAULT '{}' CHECK (organisation_roles <@ ${organisationRoles}),
        ADD COLUMN platform_roles text[] NOT NULL DEFAULT '{}' CHECK (platform_roles <@ ${platformRoles})`);

    await queryRunner.query(`
      CREATE TABLE members.membership (
        organisation_id uuid PRIMARY KEY REFERENCES members.organisation (id) ON DELETE CASCADE,
        tier text NOT NULL CHECK (tier IN ('FUNDED_COUNCIL', 'NATIONAL_PARTNER', 'ASSOCIATE_SUPPLIER', 'PARTNER')),
        status text NOT NULL CHECK (status IN (${statuses})),
        applied_at timestamptz NOT NULL,
        joined_on date,
        renewal_due_on date,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (status IN ('APPLIED', 'REJECTED') OR joined_on IS NOT NULL)
      )`);

    // The audit trail. decided_by has no foreign key on purpose: a decision outlives the person
    // who took it, and ON DELETE SET NULL would be an UPDATE, which the trigger below refuses.
    await queryRunner.query(`
      CREATE TABLE members.membership_decision (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid NOT NULL REFERENCES members.organisation (id),
        decided_by uuid NOT NULL,
        decided_at timestamptz NOT NULL DEFAULT now(),
        from_status text CHECK (from_status IN (${statuses})),
        to_status text NOT NULL CHECK (to_status IN (${statuses})),
        reason text
      )`);
    await queryRunner.query(
      `CREATE INDEX membership_decision_organisation ON members.membership_decision (organisation_id, decided_at, id)`,
    );
    // Append-only, enforced by the database itself so no code path (or console session) can rewrite
    // history. A trigger works the same on PostgreSQL and PGlite, unlike role-based REVOKE.
    // (platform/migration-helpers.ts: the same statements this migration always ran.)
    for (const statement of appendOnlyTrigger('members.membership_decision')) await queryRunner.query(statement);

    // Only the SHA-256 of the token is stored: a leaked table cannot be used to accept invitations.
    // invited_by has no foreign key so removing the inviter keeps the record of who invited.
    await queryRunner.query(`
      CREATE TABLE members.invitation (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid NOT NULL REFERENCES members.organisation (id) ON DELETE CASCADE,
        email text NOT NULL CHECK (email = lower(email)),
        organisation_roles text[] NOT NULL CHECK (cardinality(organisation_roles) > 0 AND organisation_roles <@ ${organisationRoles}),
        invited_by uuid NOT NULL,
        token_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        accepted_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX invitation_organisation ON members.invitation (organisation_id, created_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE members.invitation`);
    await queryRunner.query(`DROP TABLE members.membership_decision`);
    await queryRunner.query(`DROP FUNCTION members.refuse_membership_decision_change()`);
    await queryRunner.query(`DROP TABLE members.membership`);
    await queryRunner.query(`ALTER TABLE members.person DROP COLUMN platform_roles, DROP COLUMN organisation_roles, DROP COLUMN phone`);
  }
}
