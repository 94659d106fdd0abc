import { GraphQLError } from 'graphql';
import { decodeCursor, encodeCursor, MAX_PAGE_SIZE, readPage, toConnection } from './pagination';

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
