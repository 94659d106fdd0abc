import { DateScalar } from '../../../platform/scalars';
import type { Resolvers } from '../generated/graphql';
import { Innovation } from './innovation.resolver';
import { Lot } from './lot.resolver';
import { ProcurementRoute } from './procurement-route.resolver';
import { Query } from './query.resolver';

export const resolvers: Resolvers = { Date: DateScalar, Query, ProcurementRoute, Lot, Innovation };
