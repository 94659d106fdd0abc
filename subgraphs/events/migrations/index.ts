import { CreateEvents1764288000000 } from './1764288000000-create-events';
import { AddRegistrationsFaqsAndSupport1764460800000 } from './1764460800000-add-registrations-faqs-and-support';
import { VersionEventsAndFaqs1765400000000 } from './1765400000000-version-events-and-faqs';

/** Every migration of this subgraph, oldest first. */
export const migrations = [CreateEvents1764288000000, AddRegistrationsFaqsAndSupport1764460800000, VersionEventsAndFaqs1765400000000];
