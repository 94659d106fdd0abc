import type { Resolvers } from '../generated/graphql';
import { Organisation } from './organisation.resolver';
import { Person } from './person.resolver';
import { Query } from './query.resolver';

export const resolvers: Resolvers = { Query, Organisation, Person };
