import { CreateEvents1764288000000 } from './1764288000000-create-events';
import { AddRegistrationsFaqsAndSupport1764460800000 } from './1764460800000-add-registrations-faqs-and-support';

/** Every migration of this subgraph, oldest first. */
export const migrations = [CreateEvents1764288000000, AddRegistrationsFaqsAndSupport1764460800000];
