import { parseId } from '../../../platform/ids';
import { DateTimeScalar } from '../../../platform/scalars';
import type { Resolvers } from '../generated/graphql';
import { deliveryFailures } from '../services/delivery-failures.service';

/** Thin: the rules are services/inbox.service.ts's, who may read is policy.ts's. */
export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Person: {
    __resolveReference: (reference) => ({ id: parseId(reference.id) }),
    notifications: (person, args, { inbox }) => inbox.notificationsOf(person.id, args),
    unreadNotificationCount: (person, _args, { inbox }) => inbox.unreadCount(person.id),
    notificationPreferences: (person, _args, { inbox }) => inbox.preferencesOf(person.id),
  },
  Query: {
    notificationDeliveryFailures: (_root, args, { dataSource, viewer }) => deliveryFailures(dataSource, viewer, args),
  },
  NotificationDeliveryFailure: {
    recipient: (failure) => ({ id: failure.personId }),
  },
  Notification: {
    subject: (notification) => ({ typename: notification.subjectTypename, id: notification.subjectId }),
  },
  Mutation: {
    markNotificationsRead: (_root, { input }, { inbox }) => inbox.markRead(input),
    updateNotificationPreferences: async (_root, { input }, { inbox }) => ({
      notificationPreferences: await inbox.updatePreferences(input),
    }),
  },
};
