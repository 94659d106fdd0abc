import type { DataSource } from 'typeorm';
import { badUserInput, forbidden, unauthenticated } from '../../../platform/errors';
import type { Identity } from '../../../platform/identity';
import { readPage, toConnection, type Connection } from '../../../platform/pagination';
import type { NotificationKind } from '../generated/graphql';
import { canReadDeliveryFailures } from '../policy';

/** A notice that did not reach its recipient by one channel and will not be retried by itself. */
export interface DeliveryFailure {
  id: string;
  personId: string;
  kind: NotificationKind | null;
  channel: 'EMAIL';
  emailAddress: string;
  subject: string;
  reason: string;
  attempts: number;
  lastAttemptAt: Date | null;
  createdAt: Date;
}

/**
 * Staff's view of the emails given up (status FAILED, services/email-sender.ts): Notify refused
 * them for good, or the attempts ran out. Platform staff only (policy.ts); anonymous callers are
 * told to sign in.
 */
export async function deliveryFailures(
  dataSource: DataSource,
  viewer: Identity,
  args: { first?: number | null; after?: string | null },
): Promise<Connection<DeliveryFailure>> {
  if (!viewer) throw unauthenticated('Sign in as platform staff to see notices that could not be delivered.');
  if (!canReadDeliveryFailures(viewer)) throw forbidden('Only platform staff see notices that could not be delivered.');
  const page = readPage(args);
  const total = async () =>
    Number(
      (
        (await dataSource.query(`SELECT count(*)::int AS n FROM notifications.notification_email WHERE status = 'FAILED'`)) as {
          n: number;
        }[]
      )[0]!.n,
    );
  if (page.size === 0) return toConnection([], page, () => 0, total);
  const parameters: unknown[] = [page.size + 1];
  let after = '';
  if (page.after) {
    const at = new Date(String(page.after.sortValue));
    if (Number.isNaN(at.getTime())) throw badUserInput('"after" is not a valid cursor: pass a cursor from a previous page.', 'after');
    parameters.push(at, page.after.id);
    after = ' AND (last_attempt_at, id) < ($2, $3)';
  }
  const rows = (await dataSource.query(
    `SELECT id, person_id AS "personId", kind, 'EMAIL' AS channel, email_address AS "emailAddress", subject,
            coalesce(last_error, 'no detail') AS reason, attempts, last_attempt_at AS "lastAttemptAt", created_at AS "createdAt"
       FROM notifications.notification_email
      WHERE status = 'FAILED'${after}
      ORDER BY last_attempt_at DESC, id DESC LIMIT $1`,
    parameters,
  )) as DeliveryFailure[];
  return toConnection(rows, page, (row) => new Date(row.lastAttemptAt ?? row.createdAt).toISOString(), total);
}
