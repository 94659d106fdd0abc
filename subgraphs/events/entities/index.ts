import { Event } from './event.entity';
import { EventHost } from './event-host.entity';
import { BriefingQuestion, CalendarFeed, EventInnovation, EventScheduleChange, EventSpeaker } from './event-links.entity';
import { EventRegistration } from './event-registration.entity';
import { EventRoute } from './event-route.entity';
import { Faq } from './faq.entity';
import { SupportRequest, SupportRequestEntry } from './support-request.entity';

export const entities = [
  Event,
  EventHost,
  EventRoute,
  EventSpeaker,
  EventInnovation,
  EventScheduleChange,
  EventRegistration,
  BriefingQuestion,
  CalendarFeed,
  Faq,
  SupportRequest,
  SupportRequestEntry,
];
export {
  Event,
  EventHost,
  EventRoute,
  EventSpeaker,
  EventInnovation,
  EventScheduleChange,
  EventRegistration,
  BriefingQuestion,
  CalendarFeed,
  Faq,
  SupportRequest,
  SupportRequestEntry,
};
