import type { EntityManager } from 'typeorm';
import { conflict } from './errors';

/**
 * Refuses a person's next saved search once they keep `max` (CONFLICT, reason SAVED_SEARCH_LIMIT),
 * inside the transaction that saves it: the catalogue's in innovations, opportunities' in
 * procurement. One save per person and table at a time, so two at once cannot both slip under the
 * cap (locking the person's rows would not do: the count would miss a row the other save inserts
 * meanwhile).
 */
export async function refuseSavedSearchPastCap(
  manager: EntityManager,
  saved: { table: string; personId: string; max: number; what: string },
): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`${saved.table}:${saved.personId}`]);
  const [kept] = (await manager.query(`SELECT count(*)::int AS count FROM ${saved.table} WHERE person_id = $1`, [saved.personId])) as {
    count: number;
  }[];
  if ((kept?.count ?? 0) >= saved.max) {
    throw conflict(`You keep ${saved.max} ${saved.what}, the most allowed: delete one first.`, { reason: 'SAVED_SEARCH_LIMIT' });
  }
}
