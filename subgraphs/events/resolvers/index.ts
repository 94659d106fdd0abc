import { DateScalar, DateTimeScalar } from '../../../platform/scalars';
import type { Resolvers } from '../generated/graphql';
import {
  EventRegistration,
  Innovation,
  Person,
  ProcurementRoute,
  SupportMessage,
  SupportRequest,
  SupportStatusChange,
} from './entities.resolver';
import { Event, EventScheduleChange, MarketEngagementBriefing } from './event.resolver';
import { Mutation } from './mutation.resolver';
import { Organisation } from './organisation.resolver';
import { Query } from './query.resolver';
import { EventAttendanceInsight, EventInsights, InsightsQuery } from './insights.resolver';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Date: DateScalar,
  Query: { ...Query, ...InsightsQuery },
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
  EventInsights,
  EventAttendanceInsight,
};
