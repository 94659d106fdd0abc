import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { execute, parse, type GraphQLFieldResolver } from 'graphql';
import { badUserInput, conflict, DomainError, ErrorCode, forbidden, notFound, unauthenticated } from './errors';
import { answerRefusalsInPayloads, refusalFor } from './refusals';

/** A database error as TypeORM wraps the driver's (QueryFailedError), with its SQLSTATE. */
function databaseError(sqlState: string): Error {
  return Object.assign(new Error('duplicate key value violates unique constraint "person_email_key"'), { driverError: { code: sqlState } });
}

describe('refusalFor: which errors are refusals, and as what', () => {
  it('answers each DomainError code as its refusal type, the error’s extensions as its fields', () => {
    expect(refusalFor(badUserInput('"deadline" must be in the future.', 'deadline'))).toEqual({
      __typename: 'InvalidInput',
      code: 'BAD_USER_INPUT',
      message: '"deadline" must be in the future.',
      field: 'deadline',
    });
    const id = '00000000-0000-4000-8000-000000000000';
    expect(refusalFor(notFound('Person', id))).toEqual({
      __typename: 'NotFound',
      code: 'NOT_FOUND',
      message: `Person ${id} was not found.`,
      field: null,
      typeName: 'Person',
      id,
    });
    expect(refusalFor(forbidden('Only platform admins decide memberships.'))).toEqual({
      __typename: 'NotAllowed',
      code: 'FORBIDDEN',
      message: 'Only platform admins decide memberships.',
      field: null,
    });
    expect(
      refusalFor(conflict('The route changed since version 3; reload it and try again.', { currentStatus: 'ACTIVE', currentVersion: 4 })),
    ).toEqual({
      __typename: 'StateConflict',
      code: 'CONFLICT',
      message: 'The route changed since version 3; reload it and try again.',
      field: null,
      currentStatus: 'ACTIVE',
      currentVersion: 4,
    });
    const outside = new DomainError(ErrorCode.EMAIL_DOMAIN_NOT_ALLOWED, 'Kent accepts invitations only to addresses at kent.gov.uk.', {
      argument: 'email',
      allowedDomains: ['kent.gov.uk'],
    });
    expect(refusalFor(outside)).toEqual({
      __typename: 'EmailDomainNotAllowed',
      code: 'EMAIL_DOMAIN_NOT_ALLOWED',
      message: 'Kent accepts invitations only to addresses at kent.gov.uk.',
      field: 'email',
      allowedDomains: ['kent.gov.uk'],
    });
  });

  it('names the field from `extensions.field`, before `extensions.argument`', () => {
    const error = new DomainError(ErrorCode.BAD_USER_INPUT, 'A score is 1 to 5.', { field: 'input.carbon', argument: 'input' });
    expect(refusalFor(error)).toMatchObject({ __typename: 'InvalidInput', field: 'input.carbon' });
  });

  it('answers as the type `refusalType` names, which is not itself a field', () => {
    const refusal = refusalFor(
      conflict('Two assessments are needed; there is one.', { refusalType: 'AssessmentsIncomplete', assessmentsCompleted: 1 }),
    );
    expect(refusal).toEqual({
      __typename: 'AssessmentsIncomplete',
      code: 'CONFLICT',
      message: 'Two assessments are needed; there is one.',
      field: null,
      assessmentsCompleted: 1,
    });
  });

  it('answers a unique violation (SQLSTATE 23505) as a CONFLICT, without the driver’s text', () => {
    for (const error of [databaseError('23505'), Object.assign(new Error('duplicate key'), { code: '23505' })]) {
      const refusal = refusalFor(error);
      expect(refusal).toEqual({ __typename: 'StateConflict', code: 'CONFLICT', message: expect.any(String), field: null });
      expect(refusal!.message).not.toMatch(/duplicate key|constraint|person_email/);
    }
  });

  it('leaves UNAUTHENTICATED, other non-refusal codes, unknown database errors and bugs to be errors', () => {
    expect(refusalFor(unauthenticated('Sign in to do this.'))).toBeUndefined();
    expect(refusalFor(new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'members is unavailable.'))).toBeUndefined();
    expect(refusalFor(databaseError('57014'))).toBeUndefined(); // a cancelled statement
    expect(refusalFor(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBeUndefined();
    expect(refusalFor('a string thrown')).toBeUndefined();
  });
});

describe('answerRefusalsInPayloads', () => {
  const typeDefs = parse(`
    interface Refusal { code: String! message: String! field: String }
    type StateConflict implements Refusal { code: String! message: String! field: String currentStatus: String }
    type NotAllowed implements Refusal { code: String! message: String! field: String }
    type AssessmentsIncomplete implements Refusal { code: String! message: String! field: String assessmentsCompleted: Int }
    type ChangePayload { changed: String refusal: Refusal }
    type Query { hello: String }
    type Mutation { change(outcome: String!): ChangePayload! other: ChangePayload! }
  `);

  /** What `change` throws, by the outcome asked for. */
  const outcomes: Record<string, () => unknown> = {
    made: () => ({ changed: 'yes' }),
    conflict: () => {
      throw conflict('It is SUSPENDED.', { currentStatus: 'SUSPENDED' });
    },
    specific: () => {
      throw conflict('Not enough assessments.', { refusalType: 'AssessmentsIncomplete', assessmentsCompleted: 1 });
    },
    duplicate: () => {
      throw databaseError('23505');
    },
    unauthenticated: () => {
      throw unauthenticated('Sign in to do this.');
    },
    bug: () => {
      throw new Error('a bug');
    },
  };
  const change: GraphQLFieldResolver<unknown, unknown, { outcome: string }> = async (_source, { outcome }) => outcomes[outcome]!();
  const resolvers = {
    Query: { hello: () => 'hi' },
    // One plain resolver and one `{ resolve }`: both forms a subgraph may use.
    Mutation: { change, other: { resolve: () => ({ changed: 'other' }) } },
  };
  const schema = buildSubgraphSchema({ typeDefs, resolvers: answerRefusalsInPayloads(resolvers) as GraphQLResolverMap<unknown> });
  const run = async (outcome: string) =>
    execute({
      schema,
      document: parse(`mutation ($outcome: String!) {
        change(outcome: $outcome) { changed refusal { __typename code message field ... on StateConflict { currentStatus } ... on AssessmentsIncomplete { assessmentsCompleted } } }
      }`),
      variableValues: { outcome },
    });

  it('passes a change through, with no refusal', async () => {
    expect(await run('made')).toEqual({ data: { change: { changed: 'yes', refusal: null } } });
  });

  it('answers a refusal in the payload, as its type, with nothing changed and no error', async () => {
    expect(await run('conflict')).toEqual({
      data: {
        change: {
          changed: null,
          refusal: { __typename: 'StateConflict', code: 'CONFLICT', message: 'It is SUSPENDED.', field: null, currentStatus: 'SUSPENDED' },
        },
      },
    });
    expect(await run('specific')).toEqual({
      data: {
        change: {
          changed: null,
          refusal: {
            __typename: 'AssessmentsIncomplete',
            code: 'CONFLICT',
            message: 'Not enough assessments.',
            field: null,
            assessmentsCompleted: 1,
          },
        },
      },
    });
    expect((await run('duplicate')).data).toEqual({
      change: { changed: null, refusal: expect.objectContaining({ __typename: 'StateConflict', code: 'CONFLICT' }) },
    });
  });

  it('keeps UNAUTHENTICATED and unexpected errors as errors, with no payload', async () => {
    const anonymous = await run('unauthenticated');
    expect(anonymous.data).toBeNull();
    expect(anonymous.errors?.map((error) => [error.extensions.code, error.message])).toEqual([['UNAUTHENTICATED', 'Sign in to do this.']]);
    const bug = await run('bug');
    expect(bug.data).toBeNull();
    expect(bug.errors?.map((error) => error.message)).toEqual(['a bug']);
  });

  it('wraps `{ resolve }` resolvers too, and leaves queries alone', async () => {
    expect(await execute({ schema, document: parse(`mutation { other { changed refusal { code } } }`) })).toEqual({
      data: { other: { changed: 'other', refusal: null } },
    });
    expect(await execute({ schema, document: parse(`{ hello }`) })).toEqual({ data: { hello: 'hi' } });
    const wrapped = answerRefusalsInPayloads<object>(resolvers) as {
      Query: unknown;
      Refusal: { __resolveType: (refusal: { __typename: string }) => string };
    };
    expect(wrapped.Query).toBe(resolvers.Query);
    expect(wrapped.Refusal.__resolveType({ __typename: 'NotAllowed' })).toBe('NotAllowed');
  });
});
