import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Evidence stays vetted after approval: `vetting` on evidence items and certifications.
 *
 * - VETTED: part of what was submitted for vetting (added while the innovation was a draft or had
 *   changes requested), or confirmed since — by the authority an item names, or by an assessor.
 * - PENDING: added once the innovation was submitted (above all, once it is APPROVED and public);
 *   only the supplier's people and vetting staff see it until it is confirmed.
 * - WITHDRAWN: taken back by the supplier while pending. The row stays, so the audit trail's
 *   entries keep pointing at something; no view shows it.
 *
 * Every row that exists already was listed as it is, so it is VETTED (the default). New audit
 * actions record evidence being added, vetted and withdrawn.
 */
const oldAuditActions = `'CREATED', 'DELETED', 'STATUS_CHANGED', 'ASSESSOR_ASSIGNED', 'CONFLICT_DECLARED', 'ASSESSED', 'DECIDED',
  'EVIDENCE_CONFIRMED', 'EVIDENCE_DISPUTED', 'REVISION_APPROVED'`;
const newAuditActions = `${oldAuditActions}, 'EVIDENCE_ADDED', 'EVIDENCE_VETTED', 'EVIDENCE_WITHDRAWN'`;

export class AddEvidenceVetting1765152000000 implements MigrationInterface {
  name = 'AddEvidenceVetting1765152000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['evidence', 'certification']) {
      await queryRunner.query(`
        ALTER TABLE innovations.${table}
          ADD COLUMN vetting text NOT NULL DEFAULT 'VETTED' CHECK (vetting IN ('PENDING', 'VETTED', 'WITHDRAWN')),
          ADD COLUMN vetted_by uuid,
          ADD COLUMN vetted_at timestamptz,
          ADD COLUMN withdrawn_at timestamptz`);
    }
    await queryRunner.query(`ALTER TABLE innovations.audit_event DROP CONSTRAINT audit_event_action_check`);
    await queryRunner.query(
      `ALTER TABLE innovations.audit_event ADD CONSTRAINT audit_event_action_check CHECK (action IN (${newAuditActions}))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE innovations.audit_event DROP CONSTRAINT audit_event_action_check`);
    await queryRunner.query(
      `ALTER TABLE innovations.audit_event ADD CONSTRAINT audit_event_action_check CHECK (action IN (${oldAuditActions})) NOT VALID`,
    );
    for (const table of ['evidence', 'certification']) {
      await queryRunner.query(
        `ALTER TABLE innovations.${table} DROP COLUMN vetting, DROP COLUMN vetted_by, DROP COLUMN vetted_at, DROP COLUMN withdrawn_at`,
      );
    }
  }
}
