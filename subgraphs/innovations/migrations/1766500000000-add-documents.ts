import type { MigrationInterface, QueryRunner } from 'typeorm';
import { documentTables, dropDocumentTables } from '../../../platform/documents/document-tables';

/**
 * Uploaded files (issue 28): pending uploads, attached documents, their bytes in chunks and the
 * audit of every upload, attach, restricted download, removal and expiry, in this subgraph's own
 * schema (platform/documents/document-tables.ts).
 */
export class AddDocuments1766500000000 implements MigrationInterface {
  name = 'AddDocuments1766500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of documentTables('innovations')) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const statement of dropDocumentTables('innovations')) await queryRunner.query(statement);
  }
}
