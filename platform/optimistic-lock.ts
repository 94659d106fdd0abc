import type { EntityManager } from 'typeorm';
import { conflict } from './errors';

/** One optimistic-locked write: a client-editable row that carries a `version` column. */
export interface VersionedUpdate {
  /** The schema-qualified table, e.g. `procurement.route`. A constant from the caller, never client input. */
  table: string;
  /** What the CONFLICT message calls the row: "The route changed since version 3; …". */
  noun: string;
  id: string;
  /** The version the client last saw (the mutation's `version` input). */
  expectedVersion: number;
  /** SQL assignments, with `$3`, `$4`, … standing for `values` in order (`$1` is the id, `$2` the version). */
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
 * When the row has moved on, this throws CONFLICT with `currentVersion` read from the database after
 * losing — never the version the caller read earlier in its transaction, which is stale exactly when
 * a concurrent write won the race, and would make the client's retry conflict again.
 */
export async function updateAtVersion(manager: EntityManager, update: VersionedUpdate): Promise<void> {
  const { table, id, expectedVersion } = update;
  const [, affected] = (await manager.query(
    `UPDATE ${table} SET ${update.assignments}, version = version + 1 WHERE id = $1 AND version = $2`,
    [id, expectedVersion, ...update.values],
  )) as [unknown, number];
  if (affected === 1) return;
  // Under READ COMMITTED this statement takes a fresh snapshot, so it sees the winner's committed version.
  const [row] = (await manager.query(`SELECT version FROM ${table} WHERE id = $1`, [id])) as { version: number }[];
  throw conflict(`The ${update.noun} changed since version ${expectedVersion}; reload it and try again.`, {
    ...(await update.conflictFacts?.()),
    currentVersion: row?.version ?? null,
  });
}
