import { DateTimeScalar } from '../../../platform/scalars';
import type { Resolvers } from '../generated/graphql';
import { Innovation } from './innovation.resolver';
import { Organisation } from './organisation.resolver';
import { Query } from './query.resolver';

export const resolvers: Resolvers = { DateTime: DateTimeScalar, Query, Innovation, Organisation };
