import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../platform/errors';
import type { GatewayContext } from './data-sources';
import { outageErrorsAtFields, reportOutagesAtFields } from './subgraph-outage';

const outage = new GraphQLError('The events service is unavailable; the rest of the answer is still returned.', {
  extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, serviceName: 'events' },
});
const paths = (errors: { path?: readonly (string | number)[] }[]) => errors.map((e) => e.path);

describe('outageErrorsAtFields', () => {
  it('puts an error at each root field a fetch asked for, aliases and fragments included, __typename left out', () => {
    const errors = outageErrorsAtFields(
      outage,
      'query Q__events__0 { __typename soon: events(first: 2) { totalCount } ...F } fragment F on Query { faqs { totalCount } }',
      {},
    );
    expect(paths(errors)).toEqual([['soon'], ['faqs']]);
    expect(errors[0]).toEqual({
      message: outage.message,
      path: ['soon'],
      extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: 'events' },
    });
  });

  it('puts an error at each field asked of each entity, by its type', () => {
    const query = `query Q__events__1($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Innovation { __typename events { title } }
      ... on Organisation { upcoming: upcomingEvents { title } ...H }
    } } fragment H on Organisation { hostedEvents { totalCount } }`;
    const representations = [
      { __typename: 'Innovation', id: 'i1' },
      { __typename: 'Organisation', id: 'o1' },
    ];
    expect(paths(outageErrorsAtFields(outage, query, { representations }))).toEqual([
      ['_entities', 0, 'events'],
      ['_entities', 1, 'upcoming'],
      ['_entities', 1, 'hostedEvents'],
    ]);
  });

  it('gives nothing for a query it cannot read, so the original error stands', () => {
    expect(outageErrorsAtFields(outage, '{ not graphql', {})).toEqual([]);
    expect(outageErrorsAtFields(outage, undefined, {})).toEqual([]);
  });
});

describe('reportOutagesAtFields', () => {
  const options = (kind: GraphQLDataSourceRequestKind) =>
    ({
      kind,
      request: { query: '{ events { totalCount } }' },
      context: { viewer: null },
    }) as unknown as GraphQLDataSourceProcessOptions<GatewayContext>;
  const failing = (error: unknown): GraphQLDataSource<GatewayContext> => ({ process: () => Promise.reject(error) });

  it('answers a failed fetch with errors at its fields instead of throwing', async () => {
    const response = await reportOutagesAtFields(failing(outage)).process(options(GraphQLDataSourceRequestKind.INCOMING_OPERATION));
    expect(response).toEqual({ errors: [expect.objectContaining({ path: ['events'], extensions: outage.extensions })] });
  });

  it('lets other failures, and health checks, throw as before', async () => {
    const other = new GraphQLError('too large', { extensions: { code: ErrorCode.RESPONSE_TOO_LARGE } });
    await expect(reportOutagesAtFields(failing(other)).process(options(GraphQLDataSourceRequestKind.INCOMING_OPERATION))).rejects.toBe(
      other,
    );
    await expect(reportOutagesAtFields(failing(outage)).process(options(GraphQLDataSourceRequestKind.HEALTH_CHECK))).rejects.toBe(outage);
  });
});
