import type { Express, Request, Response } from 'express';
import { unsubscribeLinkPath } from '../../platform/config';
import { createGatewayAssertion, gatewayAssertionHeader } from '../../platform/gateway-assertion';
import { forwardedHeaders } from '../../platform/observability';

export interface UnsubscribeRouteOptions {
  /** The notifications subgraph's GraphQL URL; its unsubscribe route sits beside it under /internal. */
  notificationsUrl: string;
  gatewaySecret: string;
  assertionLifetimeMs: number;
  timeoutMs: number;
}

/** What notifications answers (subgraphs/notifications/services/unsubscribe.ts `UnsubscribeOutcome`). */
type Outcome = { result: 'invalid' } | { result: 'required' | 'confirm' | 'unsubscribed'; kind: string };

const tokenShape = /^[A-Za-z0-9._-]{1,200}$/;

/**
 * The unsubscribe link of every email (issue 25 item 8), on the gateway's port, without sign-in:
 * the signed token in the path is the only credential, and the notifications subgraph, which
 * signed it, checks it. `GET` shows a small page with one button (it never changes anything:
 * mail scanners fetch links); `POST` switches that kind's email off — the page's button, or a mail
 * client's one-click unsubscribe (RFC 8058: `List-Unsubscribe-Post: List-Unsubscribe=One-Click`,
 * whose body is not needed). A tampered token, or one for another kind, is refused with 404.
 */
export function addUnsubscribeRoutes(app: Express, options: UnsubscribeRouteOptions): void {
  const url = options.notificationsUrl.replace(/\/graphql\/?$/, '/internal/unsubscribe');

  async function ask(token: string, apply: boolean): Promise<Outcome> {
    const body = JSON.stringify({ token, apply });
    const answer = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...forwardedHeaders(),
        [gatewayAssertionHeader]: createGatewayAssertion({
          subgraph: 'notifications',
          body,
          identity: null,
          secret: options.gatewaySecret,
          lifetimeMs: options.assertionLifetimeMs,
        }),
      },
      body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    if (answer.status === 400) return { result: 'invalid' };
    if (!answer.ok) throw new Error(`notifications answered ${answer.status}`);
    return (await answer.json()) as Outcome;
  }

  const handle = (apply: boolean) => async (request: Request, response: Response) => {
    const token = String(request.params.token);
    response.set('cache-control', 'no-store').set('referrer-policy', 'no-referrer');
    if (!tokenShape.test(token)) return void page(response, 404, 'This link does not work', invalidText);
    let outcome: Outcome;
    try {
      outcome = await ask(token, apply);
    } catch {
      return void page(
        response,
        503,
        'Please try again',
        'The notification service is unavailable just now. Please try the link again later.',
      );
    }
    switch (outcome.result) {
      case 'invalid':
        return void page(response, 404, 'This link does not work', invalidText);
      case 'required':
        return void page(
          response,
          200,
          'These emails cannot be switched off',
          `${describe(outcome.kind)} is a notice the law requires (Procurement Act 2023 s.50): it is always emailed to you, so this link cannot switch it off.`,
        );
      case 'confirm':
        return void page(
          response,
          200,
          'Stop these emails?',
          `You will no longer be emailed about ${describe(outcome.kind)}. You will still see these notices in your IPS inbox, and every other kind of email is unchanged.`,
          `<form method="post"><button type="submit">Stop these emails</button></form>`,
        );
      case 'unsubscribed':
        return void page(
          response,
          200,
          'You are unsubscribed',
          `You will no longer be emailed about ${describe(outcome.kind)}. You can switch it back on in your notification preferences.`,
        );
    }
  };

  app.get(`${unsubscribeLinkPath}/:token`, handle(false));
  app.post(`${unsubscribeLinkPath}/:token`, handle(true));
}

const invalidText = 'This unsubscribe link is not valid. You can change which emails you get in your notification preferences.';

/** `CLARIFICATION_ANSWERED` → "clarification answered". */
const describe = (kind: string) => `"${kind.toLowerCase().replace(/_/g, ' ')}"`;

function page(response: Response, status: number, title: string, text: string, form = ''): void {
  response
    .status(status)
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escape(title)} – IPS</title></head>` +
        `<body><main><h1>${escape(title)}</h1><p>${escape(text)}</p>${form}</main></body></html>`,
    );
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
