import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import type { Preference } from '../notices';
import { preferencesFor } from './preferences';

/** One set per request: nothing is cached across requests. Callers check the policy before loading. */
export interface NotificationsLoaders {
  unreadCountByPerson: DataLoader<string, number>;
  preferencesByPerson: DataLoader<string, Preference[]>;
}

export function createNotificationsLoaders(dataSource: DataSource): NotificationsLoaders {
  return {
    unreadCountByPerson: new DataLoader(async (personIds) => {
      const rows = (await dataSource.query(
        `SELECT person_id AS "personId", count(*)::int AS n FROM notifications.notification
          WHERE person_id = ANY($1::uuid[]) AND read_at IS NULL GROUP BY person_id`,
        [[...personIds]],
      )) as { personId: string; n: number }[];
      return personIds.map((id) => Number(rows.find((row) => row.personId === id)?.n ?? 0));
    }),
    preferencesByPerson: new DataLoader((personIds) => preferencesFor(dataSource.manager, personIds)),
  };
}
