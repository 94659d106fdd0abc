import type { Express } from 'express';
import { SignJWT } from 'jose';
import type { GatewayConfig, NotifyConfig } from '../../platform/config';

/**
 * The explorer's mailbox (issue 25 item 4): under the development profile, the emails the GOV.UK
 * Notify stand-in (scripts/notify-stand-in.ts) has taken, so a newcomer sees notices arrive. The
 * gateway asks the stand-in as any Notify client would (`GET /v2/notifications`, with a token
 * signed by the development key); the development launcher (scripts/development-gateway.ts) hands
 * it the stand-in only, never a real Notify service, whose list holds real people's addresses.
 */
export type MailboxSource = Pick<NotifyConfig, 'baseUrl' | 'serviceId' | 'secretKey'>;

/** One email as the mailbox panel shows it. */
export interface MailboxEmail {
  id: string;
  to: string;
  subject: string;
  body: string;
  reference: string | null;
  status: string;
  sentAt: string;
}

/** A newcomer's stack answers at once or not at all. */
const standInTimeoutMs = 2_000;

export function mailboxEnabled(config: Pick<GatewayConfig, 'developmentProfile'>, source: MailboxSource | undefined): boolean {
  return config.developmentProfile && source !== undefined;
}

/** A token as Notify's clients make one: HS256 with the key's secret, `iss` the service, `iat` now. */
function notifyToken(source: MailboxSource): Promise<string> {
  return new SignJWT({ iss: source.serviceId, iat: Math.floor(Date.now() / 1000) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(source.secretKey));
}

interface NotifyNotification {
  id: string;
  email_address: string | null;
  subject: string | null;
  body: string;
  reference: string | null;
  status: string;
  created_at: string;
}

export function addMailboxRoute(app: Express, path: string, source: MailboxSource): void {
  app.get(path, async (_request, response) => {
    try {
      const answer = await fetch(`${source.baseUrl}/v2/notifications?template_type=email`, {
        headers: { authorization: `Bearer ${await notifyToken(source)}` },
        signal: AbortSignal.timeout(standInTimeoutMs),
      });
      if (!answer.ok) throw new Error(`it answered ${answer.status}`);
      const { notifications } = (await answer.json()) as { notifications: NotifyNotification[] };
      const emails: MailboxEmail[] = notifications.map((n) => ({
        id: n.id,
        to: n.email_address ?? '',
        subject: n.subject ?? '',
        body: n.body,
        reference: n.reference,
        status: n.status,
        sentAt: n.created_at,
      }));
      response.set('cache-control', 'no-store').json({ emails });
    } catch (error) {
      response.status(502).json({ error: `The Notify stand-in at ${source.baseUrl} did not answer (${(error as Error).message}).` });
    }
  });
}
