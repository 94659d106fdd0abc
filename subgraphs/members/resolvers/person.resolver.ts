import { notFound } from '../../../platform/errors';
import type { PersonResolvers } from '../generated/graphql';

export const Person: PersonResolvers = {
  __resolveReference: (reference, { people }) => people.findById(reference.id),
  organisation: async (person, _args, { organisations }) =>
    (await organisations.findById(person.organisationId)) ?? Promise.reject(notFound('Organisation', person.organisationId)),
};
