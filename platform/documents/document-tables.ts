import { appendOnlyTrigger } from '../migration-helpers';

/**
 * The tables a subgraph keeps its documents in (issue 28), in its own schema, so its files are
 * backed up, restored and access-controlled with the records that refer to them:
 *
 *   - `document`: one row per file, PENDING from the upload until attached (then ATTACHED, naming
 *     its target record); a pending row older than the upload lifetime is deleted by the expiry job.
 *   - `document_chunk`: the bytes, in chunks of at most 256 KiB, deleted with their document
 *     (ON DELETE CASCADE): a chunk can never outlive the row that says what it is.
 *   - `document_audit`: upload, attach, sealed or members-only download, removal and expiry;
 *     append-only in the database (platform/migration-helpers.ts), written through platform/recorder.ts.
 *
 * What these return must never change once a migration has run them: add a new function instead.
 */
export function documentTables(schema: 'innovations' | 'procurement'): string[] {
  return [
    `CREATE TABLE ${schema}.document (
      id uuid PRIMARY KEY,
      status text NOT NULL CHECK (status IN ('PENDING', 'ATTACHED')),
      purpose text NOT NULL,
      uploaded_by uuid NOT NULL,
      uploader_organisation_id uuid NOT NULL,
      file_name text NOT NULL,
      media_type text NOT NULL,
      size_bytes integer NOT NULL CHECK (size_bytes > 0),
      sha256 text NOT NULL,
      scan text NOT NULL CHECK (scan IN ('CLEAN', 'NOT_SCANNED')),
      uploaded_at timestamptz NOT NULL,
      target_kind text,
      target_id uuid,
      title text,
      attached_by uuid,
      attached_at timestamptz,
      CHECK ((status = 'PENDING') = (target_id IS NULL))
    )`,
    `CREATE INDEX document_target_idx ON ${schema}.document (target_kind, target_id, attached_at) WHERE status = 'ATTACHED'`,
    `CREATE INDEX document_pending_idx ON ${schema}.document (uploaded_at) WHERE status = 'PENDING'`,
    `CREATE TABLE ${schema}.document_chunk (
      document_id uuid NOT NULL REFERENCES ${schema}.document (id) ON DELETE CASCADE,
      sequence integer NOT NULL,
      bytes bytea NOT NULL,
      PRIMARY KEY (document_id, sequence)
    )`,
    `CREATE TABLE ${schema}.document_audit (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL,
      action text NOT NULL CHECK (action IN ('UPLOADED', 'ATTACHED', 'DOWNLOADED', 'REMOVED', 'EXPIRED')),
      document_id uuid NOT NULL,
      person_id uuid,
      organisation_id uuid,
      target_kind text,
      target_id uuid,
      detail text
    )`,
    `CREATE INDEX document_audit_document_idx ON ${schema}.document_audit (document_id, at)`,
    ...appendOnlyTrigger(`${schema}.document_audit`),
  ];
}

export function dropDocumentTables(schema: 'innovations' | 'procurement'): string[] {
  return [
    `DROP TABLE ${schema}.document_audit`,
    `DROP FUNCTION ${schema}.refuse_document_audit_change()`,
    `DROP TABLE ${schema}.document_chunk`,
    `DROP TABLE ${schema}.document`,
  ];
}
