import type { MutationResolvers } from '../generated/graphql';

export const Mutation: MutationResolvers = {
  createEvent: (_root, { input }, { management }) => management.create(input),
  updateEvent: (_root, { id, input }, { management }) => management.update(id, input),
  scheduleEvent: (_root, { id }, { management }) => management.transition(id, 'SCHEDULED'),
  completeEvent: (_root, { id }, { management }) => management.transition(id, 'COMPLETED'),
  cancelEvent: (_root, { id, reason }, { management }) => management.transition(id, 'CANCELLED', reason),
  registerForEvent: (_root, { eventId }, { management }) => management.register(eventId),
  cancelEventRegistration: (_root, { eventId }, { management }) => management.cancelRegistration(eventId),
  markAttendance: (_root, { eventId, attendance }, { management }) => management.markAttendance(eventId, attendance),
  publishBriefingQuestion: (_root, { eventId, question, answer }, { management }) => management.publishQuestion(eventId, question, answer),
  createCalendarFeed: (_root, _args, { management }) => management.createCalendarFeed(),
  revokeCalendarFeed: (_root, _args, { management }) => management.revokeCalendarFeed(),
  createFaq: (_root, { input }, { faqs }) => faqs.create(input),
  updateFaq: (_root, { id, input }, { faqs }) => faqs.update(id, input),
  publishFaq: (_root, { id }, { faqs }) => faqs.setStatus(id, 'PUBLISHED'),
  unpublishFaq: (_root, { id }, { faqs }) => faqs.setStatus(id, 'DRAFT'),
  raiseSupportRequest: (_root, { input }, { support }) => support.raise(input),
  answerSupportRequest: (_root, { id, message }, { support }) => support.answer(id, message),
  closeSupportRequest: (_root, { id }, { support }) => support.close(id),
  reopenSupportRequest: (_root, { id, message }, { support }) => support.reopen(id, message),
};
