import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../../../platform/clock';
import { badUserInput, forbidden, notFound, unauthenticated } from '../../../platform/errors';
import type { Identity, Viewer } from '../../../platform/identity';
import { idList } from '../../../platform/input';
import { readPage, toConnection, type Connection } from '../../../platform/pagination';
import type { Notification } from '../entities';
import type { MarkNotificationsReadInput, NotificationKind, UpdateNotificationPreferencesInput } from '../generated/graphql';
import type { NotificationsLoaders } from '../loaders';
import { notificationKinds, requiredKinds, type Preference } from '../notices';
import { preferencesFor } from '../loaders/preferences';
import { canReadNotificationsOf } from '../policy';

const selectNotification = `SELECT id, person_id AS "personId", kind, title, body, link, subject_typename AS "subjectTypename",
  subject_id AS "subjectId", event_id AS "eventId", created_at AS "createdAt", read_at AS "readAt" FROM notifications.notification`;

/** A person's inbox and preferences: read by the person alone, changed by the person alone, each change one transaction. */
export class InboxService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly loaders: NotificationsLoaders,
    private readonly clock: Clock,
    private readonly viewer: Identity,
  ) {}

  private own(personId: string, what: string): void {
    if (!canReadNotificationsOf(this.viewer, personId)) throw forbidden(`Only the person themselves sees their ${what}.`);
  }

  private signedIn(): Viewer {
    if (!this.viewer) throw unauthenticated('Sign in to manage your notifications.');
    return this.viewer;
  }

  /** Newest first, by keyset on (created_at, id). */
  async notificationsOf(
    personId: string,
    args: { first?: number | null; after?: string | null; unreadOnly?: boolean | null },
  ): Promise<Connection<Notification>> {
    this.own(personId, 'notifications');
    const page = readPage(args);
    const unread = args.unreadOnly ? ' AND read_at IS NULL' : '';
    const total = async () =>
      Number(
        (
          (await this.dataSource.query(`SELECT count(*)::int AS n FROM notifications.notification WHERE person_id = $1${unread}`, [
            personId,
          ])) as { n: number }[]
        )[0]!.n,
      );
    if (page.size === 0) return toConnection([], page, () => 0, total);
    const parameters: unknown[] = [personId, page.size + 1];
    let after = '';
    if (page.after) {
      const at = new Date(String(page.after.sortValue));
      if (Number.isNaN(at.getTime())) throw badUserInput('"after" is not a valid cursor: pass a cursor from a previous page.', 'after');
      parameters.push(at, page.after.id);
      after = ' AND (created_at, id) < ($3, $4)';
    }
    const rows = (await this.dataSource.query(
      `${selectNotification} WHERE person_id = $1${unread}${after} ORDER BY created_at DESC, id DESC LIMIT $2`,
      parameters,
    )) as Notification[];
    return toConnection(rows, page, (row) => new Date(row.createdAt).toISOString(), total);
  }

  unreadCount(personId: string): Promise<number> {
    this.own(personId, 'notifications');
    return this.loaders.unreadCountByPerson.load(personId);
  }

  preferencesOf(personId: string): Promise<Preference[]> {
    this.own(personId, 'notification preferences');
    return this.loaders.preferencesByPerson.load(personId);
  }

  /** Marks the caller's own notifications read; an id that is not theirs refuses the whole change (NOT_FOUND, as if it did not exist). */
  async markRead(input: MarkNotificationsReadInput): Promise<{ markedCount: number; unreadNotificationCount: number }> {
    const viewer = this.signedIn();
    const all = input.all ?? false;
    if (all === (input.ids != null)) throw badUserInput('Give either "ids" or "all: true".', input.ids != null ? 'input.all' : 'input.ids');
    const ids = input.ids ? idList(input.ids, { field: 'input.ids', min: 1, max: 100, repeats: 'merged' }) : [];
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      let markedCount: number;
      if (all) {
        markedCount = await countOf(
          manager,
          `UPDATE notifications.notification SET read_at = $2 WHERE person_id = $1 AND read_at IS NULL RETURNING id`,
          [viewer.personId, now],
        );
      } else {
        const owned = (await manager.query(
          `SELECT id FROM notifications.notification WHERE person_id = $1 AND id = ANY($2::uuid[]) FOR UPDATE`,
          [viewer.personId, ids],
        )) as { id: string }[];
        const missing = ids.find((id) => !owned.some((row) => row.id === id));
        if (missing) throw notFound('Notification', missing);
        markedCount = await countOf(
          manager,
          `UPDATE notifications.notification SET read_at = $3 WHERE person_id = $1 AND id = ANY($2::uuid[]) AND read_at IS NULL RETURNING id`,
          [viewer.personId, ids, now],
        );
      }
      const unreadNotificationCount = await unreadCountIn(manager, viewer.personId);
      return { markedCount, unreadNotificationCount };
    });
  }

  /**
   * Changes the caller's preferences for the kinds given (omitted channels unchanged). A notice the
   * law requires cannot be switched off or held for a digest: refused, naming the field, and
   * nothing changes.
   */
  async updatePreferences(input: UpdateNotificationPreferencesInput): Promise<Preference[]> {
    const viewer = this.signedIn();
    const entries = input.preferences;
    if (entries.length > notificationKinds.length) {
      throw badUserInput(`"input.preferences" must hold at most ${notificationKinds.length} entries, one per kind.`, 'input.preferences');
    }
    const seen = new Set<NotificationKind>();
    for (const entry of entries) {
      if (seen.has(entry.kind)) throw badUserInput(`"input.preferences" gives ${entry.kind} twice.`, 'input.preferences');
      seen.add(entry.kind);
      if (requiredKinds.has(entry.kind)) {
        const weakened =
          entry.inApp === false ? 'inApp' : entry.email === false ? 'email' : entry.dailyDigest === true ? 'dailyDigest' : null;
        if (weakened) {
          throw badUserInput(
            `${entry.kind} is a notice the law requires (Procurement Act 2023 s.50): it is always shown and emailed at once.`,
            `preferences.${entry.kind}.${weakened}`,
          );
        }
      }
    }
    const now = this.clock.now();
    await this.dataSource.transaction(async (manager) => {
      const current = new Map((await preferencesIn(manager, viewer.personId)).map((p) => [p.kind, p]));
      for (const entry of entries) {
        if (requiredKinds.has(entry.kind)) continue;
        const was = current.get(entry.kind)!;
        await manager.query(
          `INSERT INTO notifications.notification_preference (person_id, kind, in_app, email, daily_digest, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (person_id, kind) DO UPDATE SET in_app = $3, email = $4, daily_digest = $5, updated_at = $6`,
          [viewer.personId, entry.kind, entry.inApp ?? was.inApp, entry.email ?? was.email, entry.dailyDigest ?? was.dailyDigest, now],
        );
      }
    });
    return preferencesIn(this.dataSource.manager, viewer.personId);
  }
}

async function countOf(manager: EntityManager, sql: string, parameters: unknown[]): Promise<number> {
  const result = (await manager.query(sql, parameters)) as unknown;
  // node-postgres answers an UPDATE … RETURNING through TypeORM as [rows, count].
  const rows = Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) ? (result[0] as unknown[]) : (result as unknown[]);
  return rows.length;
}

async function unreadCountIn(manager: EntityManager, personId: string): Promise<number> {
  const rows = (await manager.query(`SELECT count(*)::int AS n FROM notifications.notification WHERE person_id = $1 AND read_at IS NULL`, [
    personId,
  ])) as { n: number }[];
  return Number(rows[0]!.n);
}

async function preferencesIn(manager: EntityManager, personId: string): Promise<Preference[]> {
  return (await preferencesFor(manager, [personId]))[0]!;
}
