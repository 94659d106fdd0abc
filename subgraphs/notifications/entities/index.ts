import { KnownOrganisation, KnownPerson } from './directory.entity';
import { NotificationEmail } from './notification-email.entity';
import { NotificationPreferenceRow } from './notification-preference.entity';
import { Notification } from './notification.entity';
import { DigestRun, Reminder } from './reminder.entity';

export const entities = [Notification, NotificationPreferenceRow, NotificationEmail, KnownPerson, KnownOrganisation, Reminder, DigestRun];
export { Notification, NotificationPreferenceRow, NotificationEmail, KnownPerson, KnownOrganisation, Reminder, DigestRun };
