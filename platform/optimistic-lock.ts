import type { EntityManager } from 'typeorm';
import { conflict } from './errors';

/** One optimistic-locked write: a client-editable row that carries a `version` column. */
export interface VersionedUpdate {
  /** The schema-qualified table, e.g. `procurement.route`. A constant from the caller, never client input. */
  table: string;
  /** What the CONFLICT message calls the row: "The route changed since version 3; …". */
  noun: string;
  id: string;
  /** The column `id` is matched against: `id` unless the row is keyed otherwise (a membership by `organisation_id`). A constant from the caller. */
  key?: string;
  /**
   * The version the client last saw (the mutation's `version` input). Null when the mutation takes the
   * version as optional and the client left it out: the write then wins whatever the version (last
   * write wins, as before versions existed), and the version still moves on, so other clients notice.
   */
  expectedVersion: number | null;
  /**
   * SQL assignments, with `$3`, `$4`, … standing for `values` in order (`$1` is the id, `$2` the
   * version). Empty when the caller writes the other columns itself (e.g. a TypeORM save on a row it
   * holds locked, in the same transaction) and only the version check and step are wanted here.
   */
  assignments: string;
  values: readonly unknown[];
  /**
   * Further facts for the CONFLICT error (e.g. `currentStatus`), asked for only after losing, so they
   * can be read afresh like the version.
   */
  conflictFacts?: () => Record<string, unknown> | Promise<Record<string, unknown>>;
}

/**
 * Optimistic locking: the row changes, and its version moves on by one, only if it is still at the
 * version the client saw. TypeORM's @VersionColumn does not guard save() (typeorm#2848), hence the
 * explicit `WHERE version = $2`.
 *
 * Answers the row's new version. When the row has moved on, this throws CONFLICT with
 * `currentVersion` read from the database after losing — never the version the caller read earlier in its transaction, which is stale exactly when
 * a concurrent write won the race, and would make the client's retry conflict again.
 */
export async function updateAtVersion(manager: EntityManager, update: VersionedUpdate): Promise<number> {
  const { table, id, expectedVersion, key = 'id' } = update;
  const sets = update.assignments ? `${update.assignments}, version = version + 1` : 'version = version + 1';
  // `$2` stays bound either way, so the caller's `$3`, `$4`, … mean the same with or without a version.
  const guard = expectedVersion === null ? '$2::int IS NULL' : 'version = $2';
  const [rows, affected] = (await manager.query(`UPDATE ${table} SET ${sets} WHERE ${key} = $1 AND ${guard} RETURNING version`, [
    id,
    expectedVersion,
    ...update.values,
  ])) as [{ version: number }[], number];
  if (affected === 1) return rows[0]!.version;
  // Under READ COMMITTED this statement takes a fresh snapshot, so it sees the winner's committed version.
  const [row] = (await manager.query(`SELECT version FROM ${table} WHERE ${key} = $1`, [id])) as { version: number }[];
  throw conflict(`The ${update.noun} changed since version ${expectedVersion}; reload it and try again.`, {
    ...(await update.conflictFacts?.()),
    currentVersion: row?.version ?? null,
  });
}

/**
 * `{ column: value }` as updateAtVersion's `assignments` and `values`. The column names come from the
 * caller's code, never from client input. `first` is the placeholder of the first value: 3 after
 * updateAtVersion's id and version; 2 for a plain `UPDATE … WHERE id = $1` of a row whose version
 * updateAtVersion already moved on in the same transaction (the version checked before the row's
 * other rules, then its columns written).
 */
export function assignmentsOf(sets: Record<string, unknown>, first = 3): Pick<VersionedUpdate, 'assignments' | 'values'> {
  const columns = Object.keys(sets);
  return {
    assignments: columns.map((column, i) => `${column} = $${i + first}`).join(', '),
    values: columns.map((column) => sets[column]),
  };
}
