/**
 * SQL that migrations share. Each function returns statements for `queryRunner.query`, one by one;
 * what a migration creates must never change once it has run somewhere, so a change to what these
 * return is a change to every migration that calls them: add a new function instead.
 */

/**
 * Makes `table` (schema-qualified, e.g. `members.membership_decision`) append-only in the database
 * itself, so no code path or console session can rewrite the record: UPDATE and DELETE are refused
 * row by row, TRUNCATE once, each with SQLSTATE 42501 (insufficient_privilege) and a message naming
 * the table and the operation. A trigger works the same on PostgreSQL and PGlite, unlike a REVOKE,
 * and binds the table owner too. Inserts go through platform/recorder.ts.
 *
 * Creates `<schema>.refuse_<table>_change()` and the triggers `<table>_append_only` and
 * `<table>_no_truncate`. Members' `membership_decision` and innovations' `audit_event` were made
 * append-only with exactly these statements (the function's source byte for byte, which PostgreSQL
 * keeps); procurement's `audit_event` and events' history tables predate this helper and keep their
 * own functions, which differ in name, message or TRUNCATE.
 */
export function appendOnlyTrigger(table: string): string[] {
  const { name, refuse } = appendOnlyNames(table);
  // The body's layout is part of what PostgreSQL stores (pg_proc.prosrc): keep it exactly.
  const body = [
    '',
    'BEGIN',
    `  RAISE EXCEPTION '${table} is append-only: % refused', TG_OP`,
    `    USING ERRCODE = 'insufficient_privilege';`,
    'END',
    '',
  ].join('\n      ');
  return [
    `\n      CREATE FUNCTION ${refuse}() RETURNS trigger LANGUAGE plpgsql AS $$${body}$$`,
    `CREATE TRIGGER ${name}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${refuse}()`,
    `CREATE TRIGGER ${name}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ${refuse}()`,
  ];
}

/**
 * Undoes `appendOnlyTrigger(table)` for a `down` that keeps the table. A `down` that drops the
 * table drops its triggers with it and needs only `DROP FUNCTION <schema>.refuse_<table>_change()`
 * afterwards, the last of these statements.
 */
export function dropAppendOnlyTrigger(table: string): string[] {
  const { name, refuse } = appendOnlyNames(table);
  return [`DROP TRIGGER ${name}_no_truncate ON ${table}`, `DROP TRIGGER ${name}_append_only ON ${table}`, `DROP FUNCTION ${refuse}()`];
}

function appendOnlyNames(table: string): { name: string; refuse: string } {
  const match = /^([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)$/.exec(table);
  if (!match) throw new Error(`appendOnlyTrigger: "${table}" must be a schema-qualified table, e.g. members.membership_decision.`);
  const [, schema, name] = match;
  return { name: name!, refuse: `${schema}.refuse_${name}_change` };
}

/**
 * A subgraph's outbox of domain events (issue 25; platform/outbox.ts writes it, platform/outbox-relay.ts
 * publishes it): `<schema>.outbox_event`, ordered by `sequence`, with a partial index over the rows
 * not yet published, which is all the relay ever reads.
 *
 * Rows are append-only but for `published_at`, which the relay sets once: a trigger refuses any other
 * UPDATE (SQLSTATE 42501), the DELETE of a row not yet published, and TRUNCATE. A trigger rather than
 * a column-level GRANT because, as for `appendOnlyTrigger`, it binds the table's owner too (the role
 * every service connects as) and works the same on PGlite, which has one superuser. Deleting
 * published rows stays allowed, for a retention job: they have been delivered.
 */
export function outboxEventTable(schema: string): string[] {
  const table = `${plainIdentifier(schema, 'outboxEventTable')}.outbox_event`;
  const guard = `${schema}.guard_outbox_event_change`;
  const body = [
    '',
    'BEGIN',
    `  IF TG_OP = 'DELETE' THEN`,
    '    IF OLD.published_at IS NULL THEN',
    `      RAISE EXCEPTION '${table}: an event not yet published cannot be deleted' USING ERRCODE = 'insufficient_privilege';`,
    '    END IF;',
    '    RETURN OLD;',
    '  END IF;',
    '  IF OLD.published_at IS NOT NULL OR NEW.published_at IS NULL',
    '     OR (NEW.id, NEW.sequence, NEW.kind, NEW.subject_typename, NEW.subject_id, NEW.facts, NEW.occurred_at, NEW.recorded_at)',
    '        IS DISTINCT FROM (OLD.id, OLD.sequence, OLD.kind, OLD.subject_typename, OLD.subject_id, OLD.facts, OLD.occurred_at, OLD.recorded_at) THEN',
    `    RAISE EXCEPTION '${table} is append-only: only published_at may be set, once' USING ERRCODE = 'insufficient_privilege';`,
    '  END IF;',
    '  RETURN NEW;',
    'END',
    '',
  ].join('\n      ');
  return [
    `CREATE TABLE ${table} (
        id uuid PRIMARY KEY,
        sequence bigserial NOT NULL UNIQUE,
        kind text NOT NULL,
        subject_typename text NOT NULL,
        subject_id text NOT NULL,
        facts jsonb NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`,
    `CREATE INDEX outbox_event_unpublished ON ${table} (sequence) WHERE published_at IS NULL`,
    `\n      CREATE FUNCTION ${guard}() RETURNS trigger LANGUAGE plpgsql AS $$${body}$$`,
    `CREATE TRIGGER outbox_event_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${guard}()`,
    // TRUNCATE has no rows to look at: a function of its own.
    `\n      CREATE FUNCTION ${schema}.refuse_outbox_event_truncate() RETURNS trigger LANGUAGE plpgsql AS $$\n      BEGIN\n        RAISE EXCEPTION '${table} is append-only: TRUNCATE refused' USING ERRCODE = 'insufficient_privilege';\n      END\n      $$`,
    `CREATE TRIGGER outbox_event_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.refuse_outbox_event_truncate()`,
  ];
}

/** Undoes `outboxEventTable(schema)`, for a migration's `down`. */
export function dropOutboxEventTable(schema: string): string[] {
  const name = plainIdentifier(schema, 'dropOutboxEventTable');
  return [
    `DROP TABLE ${name}.outbox_event`,
    `DROP FUNCTION ${name}.guard_outbox_event_change()`,
    `DROP FUNCTION ${name}.refuse_outbox_event_truncate()`,
  ];
}

/**
 * A consumer's record of the domain events it has applied (platform/event-inbox.ts): one row per
 * event id, written in the transaction that applies the event, so each event is applied once
 * however often the broker or the relay delivers it.
 */
export function processedEventTable(schema: string): string[] {
  const name = plainIdentifier(schema, 'processedEventTable');
  return [
    `CREATE TABLE ${name}.processed_event (
        event_id uuid PRIMARY KEY,
        kind text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now()
      )`,
  ];
}

function plainIdentifier(schema: string, helper: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`${helper}: "${schema}" must be a plain schema name, e.g. innovations.`);
  return schema;
}
