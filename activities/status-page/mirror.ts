/**
 * The mirror's push (workflows/status-page-mirror.ts): reads the page incident as it is
 * now and sends the provider what it has not seen (domain/status-page/mirror.ts), one
 * request at a time, recording each success, so a retried push goes on where the last
 * one stopped and never creates the incident twice. Credentials come from the worker's
 * environment variables the page's configuration names; they are never logged.
 */
import type { Logger } from '../../lib/logger';
import { loadConfigSnapshot, type ConfigSnapshot } from '../../lib/models/config';
import { mongoStatusPageStore, type StatusPageStore } from '../../lib/models/status-page';
import { mongoMirrorStates, type MirrorStateStore } from '../../lib/models/status-page-mirror';
import { createdIdOf, mirrorRequests, type Mirror, type MirrorRequest } from '../../domain/status-page/mirror';
import type { MirrorInput } from '../../workflows/status-page-mirror-contract';
import { failureForError, failureForStatus, notConfigured, rejected } from '../notify/channel';

const TIMEOUT_MS = 20_000;

const targetOf = (m: Mirror) => (m.type === 'statuspage' ? `statuspage:${m.url}:${m.pageId}` : `cachet:${m.url}`);
const providerName = (m: Mirror) => (m.type === 'statuspage' ? 'Statuspage' : 'Cachet');

function credentials(m: Mirror, env: NodeJS.ProcessEnv): Record<string, string> {
  const name = m.type === 'statuspage' ? m.apiKeyEnv : m.tokenEnv;
  const secret = env[name];
  if (!secret) throw notConfigured(`${m.type} mirror`, `${name} is not set on the worker`);
  return m.type === 'statuspage' ? { authorization: `OAuth ${secret}` } : { 'x-cachet-token': secret };
}

export function createMirrorActivities(deps: {
  log: Logger;
  store?: StatusPageStore;
  states?: MirrorStateStore;
  loadConfig?: () => Promise<ConfigSnapshot>;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
}) {
  const store = deps.store ?? mongoStatusPageStore;
  const states = deps.states ?? mongoMirrorStates;
  const loadConfig = deps.loadConfig ?? loadConfigSnapshot;
  const env = deps.env ?? process.env;
  const now = deps.now ?? Date.now;

  async function send(m: Mirror, headers: Record<string, string>, req: MirrorRequest): Promise<string | undefined> {
    const what = `${providerName(m)} ${req.method} ${req.path}`;
    let res: Response;
    try {
      res = await fetch(`${m.url.replace(/\/+$/, '')}${req.path}`, {
        method: req.method,
        headers: { ...headers, accept: 'application/json', 'content-type': 'application/json', 'user-agent': 'Vigil' },
        ...(req.body ? { body: JSON.stringify(req.body) } : {}),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      throw failureForError(err, what);
    }
    const text = await res.text().catch(() => '');
    // A withdrawn incident already gone there is withdrawn.
    if (req.method === 'DELETE' && res.status === 404) return undefined;
    if (!res.ok)
      throw failureForStatus(
        { status: res.status, statusText: res.statusText, retryAfter: res.headers.get('retry-after') },
        what,
        now(),
        text.slice(0, 300),
      );
    if (req.method !== 'POST') return undefined;
    let created: string | undefined;
    try {
      created = createdIdOf(m, JSON.parse(text));
    } catch {
      created = undefined;
    }
    if (created === undefined) throw rejected(`${what}: the answer names no incident id`);
    return created;
  }

  return {
    /** Pushes what the provider has not seen of one page incident; the number of requests it sent. */
    async pushStatusPageMirror(input: MirrorInput): Promise<{ requests: number }> {
      const page = (await loadConfig()).statusPages.find((p) => p.id === input.pageId);
      const m = page?.mirror;
      const record = m ? await store.incident(input.pageId, input.pageIncidentId) : undefined;
      if (!m || !record) return { requests: 0 };
      const headers = credentials(m, env);
      const key = `${input.pageId}:${input.pageIncidentId}`;
      const target = targetOf(m);
      let state = await states.get(key, target);
      const requests = mirrorRequests(m, record, state);
      for (const req of requests) {
        const created = await send(m, headers, req);
        state = req.after(state, created);
        await states.put(key, target, state);
      }
      deps.log.info({ pageId: input.pageId, provider: m.type, requests: requests.length }, 'status page mirrored');
      return { requests: requests.length };
    },
  };
}

export type MirrorActivities = ReturnType<typeof createMirrorActivities>;
