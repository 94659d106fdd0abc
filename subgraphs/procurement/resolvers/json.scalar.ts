import { GraphQLScalarType } from 'graphql';

/** Output-only JSON (OCDS releases): serialised as is; never accepted as input. */
export const GraphQLJSON = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value: here, an Open Contracting Data Standard 1.1 release.',
  serialize: (value) => value,
  parseValue: () => {
    throw new TypeError('JSON is output only.');
  },
  parseLiteral: () => {
    throw new TypeError('JSON is output only.');
  },
});
