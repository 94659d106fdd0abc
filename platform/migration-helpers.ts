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
