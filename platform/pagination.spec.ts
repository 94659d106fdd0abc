import { GraphQLError } from 'graphql';
import { decodeCursor, encodeCursor, MAX_PAGE_SIZE, pageAndPrime, readPage, toConnection, withSortValues } from './pagination';

const id = '0b5a4d3e-8f1c-4c2a-9d7e-1f2e3d4c5b6a';

describe('pagination', () => {
  it('round-trips a cursor', () => {
    expect(decodeCursor(encodeCursor({ sortValue: 'Kent County Council', id }))).toEqual({
      sortValue: 'Kent County Council',
      id,
    });
  });

  it.each(['', 'not-base64!', Buffer.from('["x"]').toString('base64url'), Buffer.from('["x","not-a-uuid"]').toString('base64url')])(
    'rejects the forged cursor %p as BAD_USER_INPUT',
    (cursor) => {
      expect(() => readPage({ after: cursor || 'x' })).toThrow(GraphQLError);
      try {
        readPage({ after: cursor || 'x' });
      } catch (error) {
        expect((error as GraphQLError).extensions.code).toBe('BAD_USER_INPUT');
      }
    },
  );

  it('caps the page size', () => {
    expect(readPage({}).size).toBe(20);
    expect(readPage({ first: MAX_PAGE_SIZE }).size).toBe(MAX_PAGE_SIZE);
    expect(() => readPage({ first: MAX_PAGE_SIZE + 1 })).toThrow(/between 0 and 100/);
    expect(() => readPage({ first: -1 })).toThrow(GraphQLError);
  });

  it('uses the extra row only to tell that a next page exists, and counts lazily', async () => {
    const rows = [1, 2, 3].map((n) => ({ id: id.replace(/a$/, String(n)), name: `n${n}` }));
    const count = jest.fn(async () => 42);
    const connection = toConnection(rows, { size: 2, after: null }, (r) => r.name, count);
    expect(connection.edges.map((e) => e.node.name)).toEqual(['n1', 'n2']);
    expect(connection.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(decodeCursor(connection.pageInfo.endCursor!)).toEqual({ sortValue: 'n2', id: rows[1]!.id });
    expect(count).not.toHaveBeenCalled();
    expect(await connection.totalCount()).toBe(42);
    await connection.totalCount();
    expect(count).toHaveBeenCalledTimes(1);
  });
});

describe('pageAndPrime', () => {
  const rows = [1, 2, 3].map((n) => ({ id: id.replace(/a$/, String(n)), name: `n${n}` }));

  it('primes the rows of the page, not the extra one, with cursors from the sort values', async () => {
    const primed = new Map<string, unknown>();
    const source = { rows: jest.fn(async () => withSortValues(rows, (row) => row.name)), totalCount: async () => 3 };
    const page = readPage({ first: 2 });
    const connection = await pageAndPrime(page, source, { prime: (key, row) => primed.set(key, row) });
    expect(source.rows).toHaveBeenCalledWith(page);
    expect([...primed.keys()]).toEqual([rows[0]!.id, rows[1]!.id]);
    expect(decodeCursor(connection.pageInfo.endCursor!)).toEqual({ sortValue: 'n2', id: rows[1]!.id });
    expect(connection.pageInfo.hasNextPage).toBe(true);
  });

  it('reads no rows for an empty first page, but does after a cursor (to tell whether more follow)', async () => {
    const source = { rows: jest.fn(async () => withSortValues(rows.slice(0, 1), (row) => row.name)), totalCount: async () => 3 };
    const prime = jest.fn();
    expect((await pageAndPrime(readPage({ first: 0 }), source, { prime })).edges).toEqual([]);
    expect(source.rows).not.toHaveBeenCalled();
    const after = encodeCursor({ sortValue: 'n1', id: rows[0]!.id });
    expect((await pageAndPrime(readPage({ first: 0, after }), source, { prime })).pageInfo.hasNextPage).toBe(true);
    expect(source.rows).toHaveBeenCalledTimes(1);
    expect(prime).not.toHaveBeenCalled();
  });
});
