import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Clock } from '../../../platform/clock';
import type { NotificationKind } from '../generated/graphql';
import { notificationKinds, requiredKinds } from '../notices';

/**
 * The unsubscribe link in every email (issue 25 item 8): it switches off email for the one kind of
 * notice the email was, for the one person it was sent to, without signing in, as mail clients'
 * one-click unsubscribe (RFC 8058) and people reading on another device need. The link's token is
 * the only credential, so it is an HMAC of (person, kind) under NOTIFICATIONS_UNSUBSCRIBE_SECRET:
 * changing either part, or taking one kind's link to another kind, fails the check. It does not
 * expire: a link in a months-old email must still work, and all it can do is what its recipient
 * could do anyway (and undo in their preferences).
 *
 * Token: `<person id, 32 hex>.<KIND>.<signature, base64url>`, all URL-safe.
 */
const tokenPattern = /^([0-9a-f]{32})\.([A-Z_]{1,64})\.([A-Za-z0-9_-]{43})$/;

function signature(secret: string, personId: string, kind: string): string {
  return createHmac('sha256', secret).update(`ips-unsubscribe-v1:${personId}:${kind}`).digest('base64url');
}

const compact = (uuid: string) => uuid.replace(/-/g, '').toLowerCase();
const expand = (hex: string) => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

/** Whether a person may switch off this kind's email: not a notice the law requires. */
export function canUnsubscribe(kind: NotificationKind): boolean {
  return !requiredKinds.has(kind);
}

export function signUnsubscribeToken(secret: string, personId: string, kind: NotificationKind): string {
  const person = compact(personId);
  return `${person}.${kind}.${signature(secret, expand(person), kind)}`;
}

/** The person and kind a token names, or null when it is not one this service signed (tampered, truncated, another key). */
export function readUnsubscribeToken(secret: string, token: string): { personId: string; kind: NotificationKind } | null {
  const match = tokenPattern.exec(token);
  if (!match) return null;
  const personId = expand(match[1]!);
  const kind = match[2]! as NotificationKind;
  if (!(notificationKinds as readonly string[]).includes(kind)) return null;
  const expected = Buffer.from(signature(secret, personId, kind));
  const given = Buffer.from(match[3]!);
  return expected.length === given.length && timingSafeEqual(expected, given) ? { personId, kind } : null;
}

/** What an unsubscribe link does, or would do: the page says it either way. */
export type UnsubscribeOutcome =
  | { result: 'invalid' }
  /** The law requires this notice (ASSESSMENT_SUMMARY): it is always emailed; nothing changed. */
  | { result: 'required'; kind: NotificationKind }
  /** Asked only (GET): the page offers the button. */
  | { result: 'confirm'; kind: NotificationKind }
  /** Email for `kind` is off now (it may already have been). */
  | { result: 'unsubscribed'; kind: NotificationKind };

/**
 * Reads the token and, when `apply` (a POST: the page's button or a mail client's one-click),
 * switches off email for that kind in one transaction, leaving the inbox and every other kind
 * as they were. Repeating it changes nothing more. GET never changes anything: mail scanners
 * follow links.
 */
export async function unsubscribeByLink(
  dataSource: DataSource,
  clock: Clock,
  secret: string,
  token: string,
  apply: boolean,
): Promise<UnsubscribeOutcome> {
  const named = readUnsubscribeToken(secret, token);
  if (!named) return { result: 'invalid' };
  const { personId, kind } = named;
  if (!canUnsubscribe(kind)) return { result: 'required', kind };
  if (!apply) return { result: 'confirm', kind };
  // A missing row is the default (inbox and email on, no digest): only email changes.
  await dataSource.query(
    `INSERT INTO notifications.notification_preference (person_id, kind, in_app, email, daily_digest, updated_at)
     VALUES ($1, $2, true, false, false, $3)
     ON CONFLICT (person_id, kind) DO UPDATE SET email = false, updated_at = $3`,
    [personId, kind, clock.now()],
  );
  return { result: 'unsubscribed', kind };
}
