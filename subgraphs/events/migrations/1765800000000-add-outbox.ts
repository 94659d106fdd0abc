import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dropOutboxEventTable, outboxEventTable } from '../../../platform/migration-helpers';

/**
 * The outbox of domain events (issue 25): written in the transaction of each change it announces
 * (platform/outbox.ts), published by the relay (platform/outbox-relay.ts).
 */
export class AddOutbox1765800000000 implements MigrationInterface {
  name = 'AddOutbox1765800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of outboxEventTable('events')) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of dropOutboxEventTable('events')) await queryRunner.query(statement);
  }
}
