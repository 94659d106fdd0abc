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
 * `SELECT … WHERE id IN ($1, $2, …)` per tick (TypeORM's `In`: one bound parameter per id),
 * however many ids the request asks for.
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
export function loaderPerArguments<TArgs, K, V>(
  create: (args: TArgs) => DataLoader<K, V>,
): ((args: TArgs) => DataLoader<K, V>) & { clear: (key: K) => void } {
  const loaders = new Map<string, DataLoader<K, V>>();
  const loaderFor = (args: TArgs) => {
    const key = JSON.stringify(args);
    let loader = loaders.get(key);
    if (!loader) loaders.set(key, (loader = create(args)));
    return loader;
  };
  /** Forgets `key` in every loader of the family (after a write changed what it would load). */
  const clear = (key: K) => {
    for (const loader of loaders.values()) loader.clear(key);
  };
  return Object.assign(loaderFor, { clear });
}

/** How `firstRowsPerParentSql` numbers and cuts each parent's rows. */
export interface PerParentLimit {
  /** The output column(s) of the inner SELECT that name the parent, e.g. `event_id`. */
  parent: string;
  /** The documented order of a parent's list, over the inner SELECT's output columns. */
  orderBy: string;
  /** The most rows kept per parent (a validated `first`, see pagination.ts readListSize). */
  limit: number;
}

/**
 * Rows by parent, at most N each, in ONE statement: numbers the rows of `rows` (a SELECT that
 * outputs the parent's key) per parent with `ROW_NUMBER() OVER (PARTITION BY parent ORDER BY …)`
 * and keeps the first `limit` of each, ordered by parent then rank (an extra `parent_rank` column
 * comes out). Every bounded list of children loads through it, so a batch of 100 parents still
 * costs one statement and no parent's list outgrows its `first` (issue 22 item 8).
 */
export function firstRowsPerParentSql(rows: string, { parent, orderBy, limit }: PerParentLimit): string {
  // Interpolated, not bound: callers pass a number readListSize validated; refuse anything else.
  if (!Number.isInteger(limit) || limit < 0) throw new Error(`firstRowsPerParentSql: limit must be a whole number, not ${limit}`);
  return `SELECT * FROM (
            SELECT per_parent.*, ROW_NUMBER() OVER (PARTITION BY ${parent} ORDER BY ${orderBy}) AS parent_rank
              FROM (${rows}) AS per_parent) AS ranked
          WHERE ranked.parent_rank <= ${limit}
          ORDER BY ${parent}, ranked.parent_rank`;
}

/**
 * `firstRowsPerParentSql` for plain child entities: the rows of `repository` whose `parent`
 * property is one of `parentIds` (and that pass `where`, SQL over the table's own column names
 * with TypeORM `:named` parameters), at most `limit` per parent in `order`. One statement.
 */
export async function findFirstPerParent<T extends ObjectLiteral>(
  repository: Repository<T>,
  options: {
    parent: keyof T & string;
    parentIds: readonly string[];
    order: [keyof T & string, 'ASC' | 'DESC'][];
    limit: number;
    where?: string;
    parameters?: Record<string, unknown>;
  },
): Promise<T[]> {
  const { metadata } = repository;
  const column = (property: string) => {
    const found = metadata.findColumnWithPropertyName(property);
    if (!found) throw new Error(`findFirstPerParent: ${metadata.name} has no property ${property}`);
    return found;
  };
  const parentColumn = column(options.parent);
  const table = metadata.tablePath
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');
  const idArray = parentColumn.type === 'uuid' ? 'uuid[]' : 'text[]';
  const kept = firstRowsPerParentSql(
    `SELECT * FROM ${table} WHERE "${parentColumn.databaseName}" = ANY(CAST(:parentIds AS ${idArray}))${options.where ? ` AND (${options.where})` : ''}`,
    {
      parent: `"${parentColumn.databaseName}"`,
      orderBy: options.order.map(([property, direction]) => `"${column(property).databaseName}" ${direction}`).join(', '),
      limit: options.limit,
    },
  );
  // The rows kept, by primary key (a revision's is innovation and number, most are an id).
  const keys = metadata.primaryColumns;
  const query = repository
    .createQueryBuilder('child')
    .where(
      `(${keys.map((key) => `child.${key.propertyName}`).join(', ')}) IN (SELECT ${keys.map((key) => `kept."${key.databaseName}"`).join(', ')} FROM (${kept}) AS kept)`,
      {
        ...options.parameters,
        parentIds: [...options.parentIds],
      },
    );
  for (const [property, direction] of options.order) query.addOrderBy(`child.${property}`, direction);
  return query.getMany();
}

/**
 * The loader family of a bounded child list: one DataLoader per `first`, each loading at most
 * `first` children per parent in one statement, grouped back under the parents that asked.
 */
export function boundedChildrenLoaders<T>(load: (parentIds: string[], first: number) => Promise<T[]>, parentOf: (row: T) => string) {
  return loaderPerArguments(
    (first: number) =>
      new DataLoader<string, T[]>(async (parentIds) => groupByKeys(parentIds, await load([...parentIds], first), parentOf)),
  );
}
