import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { badUserInput } from './errors';
import { isUuid } from './ids';

/** Page size when the client does not say; and the most one page may hold. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Arguments every connection field takes. */
export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
}

/** Where a page starts: just after the row with this sort value and id (keyset pagination). */
export interface CursorPosition {
  sortValue: string | number;
  id: string;
}

export interface Page {
  size: number;
  after: CursorPosition | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/**
 * A Relay connection. `totalCount` is a function so the COUNT query runs only when a client
 * selects the field (GraphQL's default resolver calls function-valued properties).
 */
export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  totalCount: () => Promise<number>;
}

/** Cursors are opaque to clients: base64url of the sort value and id of the row they point at. */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.sortValue, position.id])).toString('base64url');
}

/** Cursors this API hands out are well under this; anything longer is not one of them. */
const MAX_CURSOR_LENGTH = 512;

export function decodeCursor(cursor: string): CursorPosition {
  if (cursor.length > MAX_CURSOR_LENGTH) throw badUserInput('"after" is not a valid cursor: pass a cursor from a previous page.', 'after');
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(decoded) &&
      decoded.length === 2 &&
      (typeof decoded[0] === 'string' || typeof decoded[0] === 'number') &&
      typeof decoded[1] === 'string' &&
      isUuid(decoded[1])
    ) {
      return { sortValue: decoded[0], id: decoded[1] };
    }
  } catch {
    // fall through to the client-facing error below
  }
  throw badUserInput(`"${cursor}" is not a valid cursor: pass a cursor from a previous page.`, 'after');
}

/** Validates `first` and `after`; an oversized page is an error rather than a silent truncation. */
export function readPage(args: ConnectionArgs): Page {
  const size = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
    throw badUserInput(`"first" must be between 0 and ${MAX_PAGE_SIZE}; it was ${size}.`, 'first');
  }
  return { size, after: args.after ? decodeCursor(args.after) : null };
}

/**
 * A list field without pages (issue 22 item 8: no list grows without bound in one answer) takes
 * `first: Int = <default>`: the answer holds at most that many items, in the field's documented
 * order, and the gateway prices the field by it. `max` is the most a client may ask for.
 */
export interface ListBound {
  default: number;
  max: number;
}

/** Most bounded lists: the same sizes as a connection's page. */
export const LIST_BOUND: ListBound = { default: DEFAULT_PAGE_SIZE, max: MAX_PAGE_SIZE };

/** Lists people read in full more often (an event's registrations, a support conversation): larger pages. */
export const LONG_LIST_BOUND: ListBound = { default: DEFAULT_PAGE_SIZE * 5, max: MAX_PAGE_SIZE * 10 };

/** Validates `first` of a bounded list: 1 to `bound.max` (null means the default); refused otherwise, never cut silently. */
export function readListSize(first: number | null | undefined, bound: ListBound = LIST_BOUND): number {
  const size = first ?? bound.default;
  if (!Number.isInteger(size) || size < 1 || size > bound.max) {
    throw badUserInput(`"first" must be between 1 and ${bound.max}; it was ${size}.`, 'first');
  }
  return size;
}

/**
 * Turns up to `page.size + 1` rows, already in order, into a connection. The extra row only tells
 * whether there is a next page. `sortValue` is given each row and its place in `rows`.
 */
export function toConnection<T extends { id: string }>(
  rows: T[],
  page: Page,
  sortValue: (row: T, index: number) => string | number,
  totalCount: () => Promise<number>,
): Connection<T> {
  const nodes = rows.slice(0, page.size);
  const edges = nodes.map((node, index) => ({ cursor: encodeCursor({ sortValue: sortValue(node, index), id: node.id }), node }));
  let counted: Promise<number> | undefined;
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > page.size,
      hasPreviousPage: page.after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    totalCount: () => (counted ??= totalCount()),
  };
}

export interface SortKey<T> {
  /** Property name on the entity, e.g. `name`. Rows are ordered by it, then by id. */
  property: keyof T & string;
  /** The value written into the cursor for a row. */
  cursorValue: (row: T) => string | number;
}

/** One page's rows in the list's order, each with the sort value its cursor carries. */
export interface PageRows<T> {
  rows: T[];
  sortValues: (string | number)[];
}

export function withSortValues<T>(rows: T[], sortValue: (row: T) => string | number): PageRows<T> {
  return { rows, sortValues: rows.map(sortValue) };
}

/** Where a list's pages come from: a keyset query (`keysetSource`), a ranked search, a batched loader. */
export interface PageSource<T> {
  /** Up to `page.size + 1` rows after `page.after`, in the list's order. Not asked for an empty first page. */
  rows: (page: Page) => Promise<PageRows<T>>;
  /** The size of the whole list; runs only if a client selects `totalCount`. */
  totalCount: () => Promise<number>;
}

/** The request's DataLoader by id, which a listed row can be put into (DataLoader's `prime`). */
export interface ByIdLoader<T> {
  prime(id: string, row: T): unknown;
}

async function pageOf<T extends { id: string }>(page: Page, source: PageSource<T>): Promise<Connection<T>> {
  const { rows, sortValues } = page.size === 0 && !page.after ? { rows: [], sortValues: [] } : await source.rows(page);
  return toConnection(rows, page, (_row, index) => sortValues[index]!, source.totalCount);
}

/**
 * The filter → page → prime sequence of every list of entities: one page from `source` as a
 * connection, each of its rows primed into the request's by-id loader, so a later `_entities` or
 * lookup by id of a listed row (a person's organisation, a lot's route) needs no query. An empty
 * first page (`first: 0`) runs no statement but the COUNT, and that only if asked.
 */
export async function pageAndPrime<T extends { id: string }>(
  page: Page,
  source: PageSource<T>,
  byId: ByIdLoader<NoInfer<T>>,
): Promise<Connection<T>> {
  const connection = await pageOf(page, source);
  for (const { node } of connection.edges) byId.prime(node.id, node);
  return connection;
}

/**
 * Keyset pagination over a filtered query: `ORDER BY sort, id` with a row-value comparison for
 * `after`, so deep pages cost the same as the first. One SELECT per page, plus one COUNT if asked
 * (over the query as it is now: filter it before).
 */
export function keysetSource<T extends ObjectLiteral & { id: string }>(query: SelectQueryBuilder<T>, sort: SortKey<T>): PageSource<T> {
  const counting = query.clone();
  return {
    rows: async (page) => withSortValues(await pageQuery(query, query.alias, sort, page).getMany(), sort.cursorValue),
    totalCount: () => counting.getCount(),
  };
}

/** `keysetSource` as a connection, for a list whose rows no loader by id holds. */
export function paginate<T extends ObjectLiteral & { id: string }>(
  query: SelectQueryBuilder<T>,
  sort: SortKey<T>,
  page: Page,
): Promise<Connection<T>> {
  return pageOf(page, keysetSource(query, sort));
}

function pageQuery<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  alias: string,
  sort: SortKey<T>,
  page: Page,
): SelectQueryBuilder<T> {
  const paged = query
    .clone()
    .orderBy(`${alias}.${sort.property}`, 'ASC')
    .addOrderBy(`${alias}.id`, 'ASC')
    .limit(page.size + 1);
  if (page.after) {
    paged.andWhere(`(${alias}.${sort.property}, ${alias}.id) > (:cursorSortValue, :cursorId)`, {
      cursorSortValue: page.after.sortValue,
      cursorId: page.after.id,
    });
  }
  return paged;
}
