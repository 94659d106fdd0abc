import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

function toDate(value: unknown): Date {
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : new Date(NaN);
  if (Number.isNaN(date.getTime())) {
    throw new GraphQLError('DateTime must be an ISO 8601 date-time string, e.g. "2026-11-27T10:00:00Z".', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return date;
}

/** An instant, serialised as ISO 8601 in UTC. Every subgraph declares and resolves it the same way. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An instant in time, as an ISO 8601 string in UTC.',
  serialize: (value) => toDate(value).toISOString(),
  parseValue: (value) => toDate(value),
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) {
      throw new GraphQLError('DateTime must be a string.', { extensions: { code: 'BAD_USER_INPUT' } });
    }
    return toDate(ast.value);
  },
});

const datePattern = /^\d{4}-\d{2}-\d{2}$/;

function toDateString(value: unknown): string {
  const text = value instanceof Date ? value.toISOString().slice(0, 10) : value;
  if (typeof text !== 'string' || !datePattern.test(text) || Number.isNaN(new Date(`${text}T00:00:00Z`).getTime())) {
    throw new GraphQLError('Date must be a calendar date "YYYY-MM-DD".', { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return text;
}

/** A calendar date without a time ("2026-04-01"), as contracts and frameworks use. */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar date, "YYYY-MM-DD".',
  serialize: toDateString,
  parseValue: toDateString,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) {
      throw new GraphQLError('Date must be a string.', { extensions: { code: 'BAD_USER_INPUT' } });
    }
    return toDateString(ast.value);
  },
});
