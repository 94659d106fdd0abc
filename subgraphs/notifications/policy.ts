import { isPlatformStaff, type Identity } from '../../platform/identity';

/**
 * Who may see and do what in the notifications subgraph. A person's inbox and preferences are the
 * person's own: nobody else reads them, platform staff included (a notice can carry what only its
 * recipient may know, such as an assessment summary). Who is *told* what is audience.ts.
 */
export function canReadNotificationsOf(viewer: Identity, personId: string): boolean {
  return viewer !== null && viewer.personId.toLowerCase() === personId.toLowerCase();
}

/**
 * Emails that could not be delivered (`notificationDeliveryFailures`): platform staff only, to
 * follow them up. They name people and their addresses across every organisation, but not what the
 * notice said beyond its subject.
 */
export function canReadDeliveryFailures(viewer: Identity): boolean {
  return isPlatformStaff(viewer);
}
