import type { MutationResolvers } from '../generated/graphql';

export const Mutation: MutationResolvers = {
  createEvent: async (_root, { input }, { management }) => ({ event: await management.create(input) }),
  updateEvent: async (_root, { id, input }, { management }) => ({ event: await management.update(id, input) }),
  scheduleEvent: async (_root, { id }, { management }) => ({ event: await management.transition(id, 'SCHEDULED') }),
  completeEvent: async (_root, { id }, { management }) => ({ event: await management.transition(id, 'COMPLETED') }),
  cancelEvent: async (_root, { id, reason }, { management }) => ({ event: await management.transition(id, 'CANCELLED', reason) }),
  registerForEvent: async (_root, { eventId }, { management }) => ({ eventRegistration: await management.register(eventId) }),
  cancelEventRegistration: async (_root, { eventId }, { management }) => ({ eventRegistration: await management.cancelRegistration(eventId) }),
  markAttendance: async (_root, { eventId, attendance }, { management }) => ({ event: await management.markAttendance(eventId, attendance) }),
  publishBriefingQuestion: async (_root, { eventId, question, answer }, { management }) => ({ briefingQuestion: await management.publishQuestion(eventId, question, answer) }),
  createCalendarFeed: async (_root, _args, { management }) => ({ calendarFeed: await management.createCalendarFeed() }),
  revokeCalendarFeed: async (_root, _args, { management }) => ({ revoked: await management.revokeCalendarFeed() }),
  createFaq: async (_root, { input }, { faqs }) => ({ faq: await faqs.create(input) }),
  updateFaq: async (_root, { id, input }, { faqs }) => ({ faq: await faqs.update(id, input) }),
  publishFaq: async (_root, { id }, { faqs }) => ({ faq: await faqs.setStatus(id, 'PUBLISHED') }),
  unpublishFaq: async (_root, { id }, { faqs }) => ({ faq: await faqs.setStatus(id, 'DRAFT') }),
  raiseSupportRequest: async (_root, { input }, { support }) => ({ supportRequest: await support.raise(input) }),
  answerSupportRequest: async (_root, { id, message }, { support }) => ({ supportRequest: await support.answer(id, message) }),
  closeSupportRequest: async (_root, { id }, { support }) => ({ supportRequest: await support.close(id) }),
  reopenSupportRequest: async (_root, { id, message }, { support }) => ({ supportRequest: await support.reopen(id, message) }),
};
