import type { DataSource, EntitySubscriberInterface } from 'typeorm';

/**
 * Replays a lost version race deterministically, on either database: the next time the entity with
 * `id` is loaded, its `version` reads as `staleVersion` — as if the service's read ran just before a
 * concurrent write (already committed in the database) won. The write that follows then loses at
 * that version, which is what a client editing at the old version sees in a real race.
 * Call the returned function to disarm it.
 */
export function readStaleVersionOnce(dataSource: DataSource, id: string, staleVersion: number): () => void {
  let armed = true;
  const subscriber: EntitySubscriberInterface<{ id?: unknown; version?: unknown }> = {
    afterLoad(entity) {
      if (!armed || entity.id !== id || typeof entity.version !== 'number') return;
      armed = false;
      entity.version = staleVersion;
    },
  };
  dataSource.subscribers.push(subscriber);
  return () => {
    armed = false;
    const index = dataSource.subscribers.indexOf(subscriber);
    if (index >= 0) dataSource.subscribers.splice(index, 1);
  };
}
