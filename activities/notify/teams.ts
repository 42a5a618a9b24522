/**
 * Microsoft Teams channel: an incoming webhook (the contact method's address is the
 * webhook URL) receiving a MessageCard with the severity as theme colour, the incident's
 * facts and, when the notification carries a respond link, Acknowledge / Resolve / Open
 * incident buttons. Teams has no idempotency support; the key still goes in the
 * `idempotency-key` header for proxies (Power Automate, gateways) that honour it.
 * Classification as for webhooks: 2xx delivered, 408/429/5xx retried, other 4xx refused.
 * Teams may answer 200 with an error text instead of "1" for throttling
 * ("Microsoft Teams endpoint returned HTTP error 429"): that is retried too.
 */
import type { Logger } from '../../lib/logger';
import type { DeliveryReceipt, Notification } from '../../domain/incident/notification';
import { rejected, transient, type NotificationChannel } from './channel';
import { SEVERITY_COLORS, titleLine, whatHappened } from './format';
import { httpUrl, postOnce } from './http';

export interface TeamsChannelDeps {
  timeoutMs?: number;
  log: Logger;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
}

export function teamsCard(n: Notification): Record<string, unknown> {
  const link = n.links?.incident;
  const bridge = n.bridge
    ? [{ '@type': 'OpenUri', name: n.bridge.title, targets: [{ os: 'default', uri: n.bridge.url }] }]
    : [];
  const actions = [...(link ? teamsActions(n, link) : []), ...bridge];
  return {
    '@type': 'MessageCard',
    '@context': 'https://schema.org/extensions',
    themeColor: (SEVERITY_COLORS[n.severity] ?? '#888888').replace('#', ''),
    summary: titleLine(n).slice(0, 200),
    title: titleLine(n),
    sections: [
      {
        activityTitle: whatHappened(n),
        facts: [
          { name: 'Service', value: n.service },
          { name: 'Severity', value: n.severity },
          { name: 'Status', value: n.status },
          {
            name: 'Incident',
            value: n.incidentNumber === undefined ? n.incidentId : `#${n.incidentNumber} (${n.incidentId})`,
          },
          ...(n.bridge ? [{ name: n.bridge.title, value: n.bridge.url }] : []),
        ],
        markdown: false,
      },
    ],
    ...(actions.length > 0 ? { potentialAction: actions } : {}),
  };
}

/**
 * OpenUri buttons onto the recipient's respond page (`links.incident`): Acknowledge while
 * triggered, Resolve until resolved, then Open incident. `?action=` only preselects the
 * page's form; acting takes the POST there, so link scanners opening these change nothing.
 */
export function teamsActions(n: Notification, link: string): Array<Record<string, unknown>> {
  const open = (name: string, uri: string) => ({ '@type': 'OpenUri', name, targets: [{ os: 'default', uri }] });
  const actions = [];
  if (!URL.canParse(link)) return [open('Open incident', link)];
  if (n.status === 'triggered') actions.push(open('Acknowledge', withAction(link, 'acknowledge')));
  if (n.status !== 'resolved') actions.push(open('Resolve', withAction(link, 'resolve')));
  return [...actions, open('Open incident', link)];
}

function withAction(link: string, action: 'acknowledge' | 'resolve'): string {
  const url = new URL(link);
  url.searchParams.set('action', action);
  return url.toString();
}

export function createTeamsChannel(deps: TeamsChannelDeps): NotificationChannel {
  const now = deps.now ?? Date.now;
  return {
    type: 'teams',
    async send(n, ctx): Promise<DeliveryReceipt> {
      const url = httpUrl(n.recipient.contactMethod.address);
      if (!url) throw rejected('invalid Teams webhook address: not an http(s) URL', { reason: 'invalid_address' });
      if (url.username || url.password)
        throw rejected('invalid Teams webhook address: credentials in the URL', { reason: 'invalid_address' });
      const what = `teams ${url.host}`;
      const res = await postOnce(url, ctx, {
        what,
        headers: { 'content-type': 'application/json', 'user-agent': 'Vigil', 'idempotency-key': n.idempotencyKey },
        body: JSON.stringify(teamsCard(n)),
        timeoutMs: deps.timeoutMs,
        fetch: deps.fetch,
        now,
      });
      if (/HTTP error 429/i.test(res.text))
        throw transient(`${what} throttled: ${res.text.slice(0, 200)}`, { details: { status: 429 } });
      deps.log.debug({ idempotencyKey: n.idempotencyKey, host: url.host, status: res.status }, 'teams delivered');
      return {
        channel: 'teams',
        idempotencyKey: n.idempotencyKey,
        deliveredAt: new Date(now()).toISOString(),
        status: res.status,
      };
    },
  };
}
