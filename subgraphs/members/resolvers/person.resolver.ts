import { notFound } from '../../../platform/errors';
import type { PersonResolvers } from '../generated/graphql';

export const Person: PersonResolvers = {
  // Through the service, so the same policy applies to `_entities` as to `person(id)`.
  __resolveReference: (reference, { people }) => people.findById(reference.id),
  email: (person, _args, { people }) => people.email(person),
  phone: (person, _args, { people }) => people.phone(person),
  organisation: async (person, _args, { organisations }) =>
    (await organisations.findById(person.organisationId)) ?? Promise.reject(notFound('Organisation', person.organisationId)),
};
