import { CreateEvents1764288000000 } from './1764288000000-create-events';
import { AddRegistrationsFaqsAndSupport1764460800000 } from './1764460800000-add-registrations-faqs-and-support';
import { VersionEventsAndFaqs1765400000000 } from './1765400000000-version-events-and-faqs';
import { VersionSupportRequests1765500000000 } from './1765500000000-version-support-requests';
import { AddOutbox1765800000000 } from './1765800000000-add-outbox';

/** Every migration of this subgraph, oldest first. */
export const migrations = [
  CreateEvents1764288000000,
  AddRegistrationsFaqsAndSupport1764460800000,
  VersionEventsAndFaqs1765400000000,
  VersionSupportRequests1765500000000,
  AddOutbox1765800000000,
];
