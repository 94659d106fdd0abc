import { DateTimeScalar } from '../../../platform/scalars';
import type { Resolvers } from '../generated/graphql';
import { EventRegistration, Innovation, Person, ProcurementRoute, SupportMessage, SupportRequest, SupportStatusChange } from './entities.resolver';
import { Event, EventScheduleChange, MarketEngagementBriefing } from './event.resolver';
import { Mutation } from './mutation.resolver';
import { Organisation } from './organisation.resolver';
import { Query } from './query.resolver';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  Event,
  EventScheduleChange,
  MarketEngagementBriefing,
  Organisation,
  Person,
  Innovation,
  ProcurementRoute,
  EventRegistration,
  SupportRequest,
  SupportMessage,
  SupportStatusChange,
};
