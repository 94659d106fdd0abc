import type { MigrationInterface, QueryRunner } from 'typeorm';
import { processedEventTable } from '../../../platform/migration-helpers';

/**
 * The notifications subgraph (issue 25 item 3): each person's inbox and preferences, the email
 * outbox the sender loop drains, the events already applied, and its own directory of people and
 * organisations kept from members' domain events.
 */
export class CreateNotifications1766000000000 implements MigrationInterface {
  name = 'CreateNotifications1766000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of processedEventTable('notifications')) await queryRunner.query(statement);
    await queryRunner.query(`
      CREATE TABLE notifications.known_organisation (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        kind text NOT NULL,
        membership_status text
      )`);
    await queryRunner.query(`
      CREATE TABLE notifications.known_person (
        id uuid PRIMARY KEY,
        organisation_id uuid NOT NULL,
        name text NOT NULL,
        email text NOT NULL,
        organisation_roles text[] NOT NULL DEFAULT '{}',
        platform_roles text[] NOT NULL DEFAULT '{}',
        active boolean NOT NULL DEFAULT true
      )`);
    await queryRunner.query(`CREATE INDEX known_person_organisation ON notifications.known_person (organisation_id)`);
    await queryRunner.query(`
      CREATE TABLE notifications.notification (
        id uuid PRIMARY KEY,
        person_id uuid NOT NULL,
        kind text NOT NULL,
        title text NOT NULL,
        body text NOT NULL,
        link text NOT NULL,
        subject_typename text NOT NULL,
        subject_id text NOT NULL,
        event_id uuid NOT NULL,
        created_at timestamptz NOT NULL,
        read_at timestamptz,
        CONSTRAINT notification_once UNIQUE (event_id, person_id, kind)
      )`);
    // The inbox, newest first, and its unread part.
    await queryRunner.query(`CREATE INDEX notification_inbox ON notifications.notification (person_id, created_at DESC, id DESC)`);
    await queryRunner.query(
      `CREATE INDEX notification_unread ON notifications.notification (person_id, created_at DESC, id DESC) WHERE read_at IS NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE notifications.notification_preference (
        person_id uuid NOT NULL,
        kind text NOT NULL,
        in_app boolean NOT NULL,
        email boolean NOT NULL,
        daily_digest boolean NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (person_id, kind)
      )`);
    await queryRunner.query(`
      CREATE TABLE notifications.notification_email (
        id uuid PRIMARY KEY,
        event_id uuid,
        person_id uuid NOT NULL,
        kind text,
        email_address text NOT NULL,
        subject text NOT NULL,
        body text NOT NULL,
        link text NOT NULL,
        status text NOT NULL CHECK (status IN ('PENDING', 'SENDING', 'SENT', 'FAILED', 'HELD', 'DIGESTED')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        lease_until timestamptz,
        uncertain boolean NOT NULL DEFAULT false,
        notify_id text,
        last_error text,
        digest_id uuid,
        created_at timestamptz NOT NULL,
        sent_at timestamptz,
        CONSTRAINT notification_email_once UNIQUE (event_id, person_id, kind)
      )`);
    // What the sender loop takes next, and what the digest job gathers.
    await queryRunner.query(
      `CREATE INDEX notification_email_due ON notifications.notification_email (next_attempt_at) WHERE status IN ('PENDING', 'SENDING')`,
    );
    await queryRunner.query(
      `CREATE INDEX notification_email_held ON notifications.notification_email (person_id, created_at) WHERE status = 'HELD'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'notification_email',
      'notification_preference',
      'notification',
      'known_person',
      'known_organisation',
      'processed_event',
    ]) {
      await queryRunner.query(`DROP TABLE notifications.${table}`);
    }
  }
}
