import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { entityTagsExtension, entityTagsPlugin } from './entity-tags';

/**
 * What a subgraph says its answer contains (issue 27 item 3), on a tiny subgraph: entities by
 * typename and key, `shop:*` for what ids cannot name, `shop` on every answer, and nothing at all
 * unless the gateway asked.
 */
const things = new Map([
  ['1', { id: '1', name: 'Lamp', parts: [{ label: 'bulb' }] }],
  ['2', { id: '2', name: 'Kerb', parts: [] }],
]);

function subgraph() {
  const schema = buildSubgraphSchema({
    typeDefs: parse(`
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
      type Query { thing(id: ID!): Thing things: [Thing!]! }
      type Mutation { rename(id: ID!, name: String!): Renamed! }
      type Renamed { thing: Thing ok: Boolean! }
      type Thing @key(fields: "id") { id: ID! name: String! parts: [Part!]! }
      type Part { label: String! }
    `),
    resolvers: {
      Query: { thing: (_: unknown, { id }: { id: string }) => things.get(id) ?? null, things: () => [...things.values()] },
      Mutation: { rename: (_: unknown, { id }: { id: string }) => ({ thing: things.get(id) ?? null, ok: true }) },
      Thing: { __resolveReference: ({ id }: { id: string }) => things.get(id) ?? null },
    } as never,
  });
  return new ApolloServer({ schema, plugins: [ApolloServerPluginInlineTraceDisabled(), entityTagsPlugin(schema, 'shop')] });
}

async function tagsOf(query: string, variables?: Record<string, unknown>, asked = true): Promise<string[] | undefined> {
  const server = subgraph();
  await server.start();
  try {
    const response = await server.executeOperation({
      query,
      variables,
      ...(asked ? { extensions: { [entityTagsExtension]: true } } : {}),
    });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    expect(response.body.singleResult.errors).toBeUndefined();
    const tags = response.body.singleResult.extensions?.[entityTagsExtension] as string[] | undefined;
    return tags && [...tags].sort();
  } finally {
    await server.stop();
  }
}

describe('entityTagsPlugin', () => {
  it('names the entity a lookup found, and nothing wider', async () => {
    expect(await tagsOf('{ thing(id: "1") { id name } }')).toEqual(['Thing:1', 'shop']);
  });

  it('says `shop:*` for a list, a value object inside an entity, and a lookup that found nothing', async () => {
    expect(await tagsOf('{ things { id } }')).toEqual(['Thing:1', 'Thing:2', 'shop', 'shop:*']);
    expect(await tagsOf('{ thing(id: "1") { parts { label } } }')).toEqual(['Thing:1', 'shop', 'shop:*']);
    expect(await tagsOf('{ thing(id: "9") { id } }')).toEqual(['shop', 'shop:*']);
  });

  it('names every entity a gateway asked for by representation, found or not', async () => {
    const query = 'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Thing { name } } }';
    const representations = [
      { __typename: 'Thing', id: '2' },
      { __typename: 'Thing', id: '9' },
    ];
    expect(await tagsOf(query, { representations })).toEqual(['Thing:2', 'Thing:9', 'shop']);
  });

  it("says what a mutation's payload returns, and the bare subgraph when it returns no entity", async () => {
    expect(await tagsOf('mutation { rename(id: "1", name: "Light") { thing { id } } }')).toEqual(['Thing:1', 'shop:*']);
    expect(await tagsOf('mutation { rename(id: "1", name: "Light") { ok } }')).toEqual(['shop', 'shop:*']);
  });

  it('adds nothing when the gateway did not ask', async () => {
    expect(await tagsOf('{ things { id } }', undefined, false)).toBeUndefined();
  });
});
