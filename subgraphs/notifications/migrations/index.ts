import { CreateNotifications1766000000000 } from './1766000000000-create-notifications';
import { AddRemindersAndDigestRuns1766100000000 } from './1766100000000-add-reminders-and-digest-runs';
import { RecordEmailAttemptTimes1766400000000 } from './1766400000000-record-email-attempt-times';

/** Every migration of this subgraph, oldest first. */
export const migrations = [CreateNotifications1766000000000, AddRemindersAndDigestRuns1766100000000, RecordEmailAttemptTimes1766400000000];
