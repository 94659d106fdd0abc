import type { EntityManager } from 'typeorm';
import type { NotificationKind } from '../generated/graphql';
import { effectivePreference, notificationKinds, type Preference } from '../notices';

/** Every kind's preference for each person, in `NotificationKind` order: stored choices over the defaults. */
export async function preferencesFor(manager: EntityManager, personIds: readonly string[]): Promise<Preference[][]> {
  const rows = (await manager.query(
    `SELECT person_id AS "personId", kind, in_app AS "inApp", email, daily_digest AS "dailyDigest"
       FROM notifications.notification_preference WHERE person_id = ANY($1::uuid[])`,
    [[...personIds]],
  )) as { personId: string; kind: NotificationKind; inApp: boolean; email: boolean; dailyDigest: boolean }[];
  return personIds.map((personId) => {
    const stored = new Map(rows.filter((row) => row.personId === personId).map((row) => [row.kind, row]));
    return notificationKinds.map((kind) => effectivePreference(kind, stored.get(kind)));
  });
}
