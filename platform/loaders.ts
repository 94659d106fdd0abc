import DataLoader from 'dataloader';
import { In, type ObjectLiteral, type Repository } from 'typeorm';

/** Puts rows back in the order of the keys that asked for them; a missing row is `null`. */
export function orderByKeys<K, T>(keys: readonly K[], rows: T[], keyOf: (row: T) => K): (T | null)[] {
  const byKey = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => byKey.get(key) ?? null);
}

/** Groups rows under the keys that asked for them; a key with no rows gets an empty list. */
export function groupByKeys<K, T>(keys: readonly K[], rows: T[], keyOf: (row: T) => K): T[][] {
  const groups = new Map<K, T[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key) ?? []);
}

/**
 * The loader behind every `__resolveReference` and every lookup by id: one
 * `SELECT … WHERE id = ANY($1)` per tick, however many ids the request asks for.
 */
export function createByIdLoader<T extends ObjectLiteral & { id: string }>(repository: Repository<T>) {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows = await repository.find({ where: { id: In([...ids]) } as never });
    return orderByKeys(ids, rows, (row) => row.id);
  });
}

/**
 * A family of DataLoaders, one per distinct argument set, for nested connections such as
 * `Organisation.innovations(first, after, filter)`: every parent may pass its own arguments, and
 * the parents that ask the same thing share one batch. Arguments are compared as JSON.
 */
export function loaderPerArguments<TArgs, K, V>(create: (args: TArgs) => DataLoader<K, V>): (args: TArgs) => DataLoader<K, V> {
  const loaders = new Map<string, DataLoader<K, V>>();
  return (args) => {
    const key = JSON.stringify(args);
    let loader = loaders.get(key);
    if (!loader) loaders.set(key, (loader = create(args)));
    return loader;
  };
}
