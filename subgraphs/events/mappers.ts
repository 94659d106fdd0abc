import type { Connection } from '../../platform/pagination';
import type { BriefingQuestion, Event, EventScheduleChange, Faq, SupportRequest, SupportRequestEntry } from './entities';
import type { RegistrationModel } from './loaders/registration.loader';

/** The values resolvers return for each GraphQL type (graphql-codegen `mappers`). */
export type EventModel = Event;
export type EventConnectionModel = Connection<Event>;
/** An organisation of the members subgraph, known here only by its id. */
export interface OrganisationModel {
  id: string;
}
/** A person of the members subgraph, known here only by its id. */
export interface PersonModel {
  id: string;
}
/** An innovation of the innovations subgraph, known here only by its id. */
export interface InnovationModel {
  id: string;
}
/** A route of the procurement subgraph, known here only by its id. */
export interface ProcurementRouteModel {
  id: string;
}
export type EventRegistrationModel = RegistrationModel;
export interface MarketEngagementBriefingModel {
  event: Event;
}
export type BriefingQuestionModel = BriefingQuestion;
export type EventScheduleChangeModel = EventScheduleChange;
export type FaqModel = Faq;
export type FaqConnectionModel = Connection<Faq>;
export type SupportRequestModel = SupportRequest;
export type SupportRequestConnectionModel = Connection<SupportRequest>;
export type SupportMessageModel = SupportRequestEntry;
export type SupportStatusChangeModel = SupportRequestEntry;

/** Analyst insights: the checked period their fields aggregate over. */
export type { EventInsightsScope as EventInsightsModel } from './services/insights.service';
