import type { MutationResolvers } from '../generated/graphql';

export const Mutation: MutationResolvers = {
  createEvent: async (_root, { input }, { management }) => ({ event: await management.create(input) }),
  updateEvent: async (_root, { id, input, version }, { management }) => ({ event: await management.update(id, input, version) }),
  scheduleEvent: async (_root, { id, version }, { management }) => ({
    event: await management.transition(id, 'SCHEDULED', undefined, version),
  }),
  completeEvent: async (_root, { id, version }, { management }) => ({
    event: await management.transition(id, 'COMPLETED', undefined, version),
  }),
  cancelEvent: async (_root, { id, reason, version }, { management }) => ({
    event: await management.transition(id, 'CANCELLED', reason, version),
  }),
  registerForEvent: async (_root, { eventId }, { management }) => ({ eventRegistration: await management.register(eventId) }),
  cancelEventRegistration: async (_root, { eventId }, { management }) => ({
    eventRegistration: await management.cancelRegistration(eventId),
  }),
  markAttendance: async (_root, { eventId, attendance }, { management }) => ({
    event: await management.markAttendance(eventId, attendance),
  }),
  publishBriefingQuestion: async (_root, { eventId, question, answer }, { management }) => ({
    briefingQuestion: await management.publishQuestion(eventId, question, answer),
  }),
  createCalendarFeed: async (_root, _args, { management }) => ({ calendarFeed: await management.createCalendarFeed() }),
  revokeCalendarFeed: async (_root, _args, { management }) => ({ revoked: await management.revokeCalendarFeed() }),
  createFaq: async (_root, { input }, { faqs }) => ({ faq: await faqs.create(input) }),
  updateFaq: async (_root, { id, input, version }, { faqs }) => ({ faq: await faqs.update(id, input, version) }),
  publishFaq: async (_root, { id, version }, { faqs }) => ({ faq: await faqs.setStatus(id, 'PUBLISHED', version) }),
  unpublishFaq: async (_root, { id, version }, { faqs }) => ({ faq: await faqs.setStatus(id, 'DRAFT', version) }),
  raiseSupportRequest: async (_root, { input }, { support }) => ({ supportRequest: await support.raise(input) }),
  answerSupportRequest: async (_root, { id, message, version }, { support }) => ({
    supportRequest: await support.answer(id, message, version),
  }),
  closeSupportRequest: async (_root, { id, version }, { support }) => ({ supportRequest: await support.close(id, version) }),
  reopenSupportRequest: async (_root, { id, message, version }, { support }) => ({
    supportRequest: await support.reopen(id, message, version),
  }),
};
