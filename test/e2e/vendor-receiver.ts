/**
 * One local receiver standing in for the vendors incident coordination talks to, checking
 * each request against the vendor's documented shape and answering as the vendor does:
 *
 * - Slack Web API (`/slack/api/<method>`): bearer token; JSON (token in the header) or a
 *   form; `conversations.create` (name: lowercase letters, digits, "-" and "_", at most 80
 *   characters), `conversations.invite` (users: a comma list of member ids),
 *   `conversations.setTopic` (at most 250 characters), `bookmarks.add` (channel_id, title,
 *   type=link, link), `chat.postMessage` / `chat.update`, `conversations.list`,
 *   `conversations.archive`; state kept per channel (a post to an archived channel is refused).
 * - Jira Cloud REST v3 (`/jira/rest/api/3/issue`): basic auth email:API token, fields.project.key,
 *   fields.issuetype, fields.summary (at most 255), an Atlassian Document Format description.
 * - Linear GraphQL (`/linear/graphql`): `Authorization: <API key>`, the issueCreate mutation
 *   with `input: {teamId (a UUID), title, description}` as variables.
 * - GitHub REST (`/github/repos/{owner}/{repo}/issues`): Bearer token, `Accept:
 *   application/vnd.github+json`, `X-GitHub-Api-Version`, a User-Agent, a title.
 *
 * A request off the documented shape is answered with the vendor's error and listed in
 * `violations`, which every test expects to stay empty.
 */
import { startHttpReceiver, type HttpReceiver, type Received, type Reply } from '../helpers/http-receiver';

export const SLACK_TOKEN = 'xoxb-e2e-vendor-token';
export const JIRA = { email: 'vigil@example.com', token: 'jira-e2e-api-token' };
export const LINEAR_KEY = 'lin_api_e2e0123456789';
export const GITHUB_TOKEN = 'ghp_e2e0123456789';

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
}
export interface SlackChannel {
  id: string;
  name: string;
  topic: string;
  archived: boolean;
  members: string[];
  bookmarks: Array<{ title: string; link: string }>;
  posts: string[];
}
export type Tracker = 'jira' | 'linear' | 'github';
export interface CreatedIssue {
  tracker: Tracker;
  key: string;
  body: any;
  idempotencyKey: string;
  at: number;
}

export interface VendorReceiver {
  base: string;
  /** Base URLs for Vigil's environment. */
  urls: { slackApi: string; jira: string; linear: string; github: string; respond: string };
  /** Every Slack Web API call that passed the checks, in order. */
  slackCalls: SlackCall[];
  channels: Map<string, SlackChannel>;
  issues: CreatedIssue[];
  violations: string[];
  raw: HttpReceiver;
  /** Makes the next `n` requests to a tracker fail with `reply` (429, 5xx), before any check. */
  failNext(tracker: Tracker, replies: Reply[]): void;
  slack(method: string): SlackCall[];
  waitFor(what: string, fn: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const SLACK_NAME = /^[a-z0-9_-]{1,80}$/;
const MEMBER_ID = /^[UW][A-Z0-9]{2,}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function startVendorReceiver(opts: { channels?: string[] } = {}): Promise<VendorReceiver> {
  const slackCalls: SlackCall[] = [];
  const channels = new Map<string, SlackChannel>();
  const issues: CreatedIssue[] = [];
  const violations: string[] = [];
  const failures: Record<Tracker, Reply[]> = { jira: [], linear: [], github: [] };
  let seq = 0;
  const addChannel = (id: string, name: string) =>
    channels.set(id, { id, name, topic: '', archived: false, members: [], bookmarks: [], posts: [] });
  for (const id of opts.channels ?? []) addChannel(id, id.toLowerCase());

  const refuse = (what: string, reply: Reply): Reply => {
    violations.push(what);
    return reply;
  };
  const slackError = (method: string, error: string, why: string) =>
    refuse(`slack ${method}: ${why}`, { status: 200, body: { ok: false, error } });

  function slackArgs(r: Received): Record<string, unknown> | undefined {
    const type = String(r.headers['content-type'] ?? '');
    if (type.startsWith('application/json')) return JSON.parse(r.body || '{}') as Record<string, unknown>;
    if (type.startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(r.body));
    return undefined;
  }

  function slackApi(r: Received): Reply {
    const method = r.path.replace(/^\/slack\/api\//, '');
    if (r.method !== 'POST') return slackError(method, 'invalid_request', `${r.method} instead of POST`);
    const args = slackArgs(r);
    if (!args) return slackError(method, 'invalid_form_data', `content-type ${String(r.headers['content-type'])}`);
    const token = String(r.headers.authorization ?? '').replace(/^Bearer /, '') || String(args.token ?? '');
    if (!token) return slackError(method, 'not_authed', 'no token');
    if (token !== SLACK_TOKEN) return slackError(method, 'invalid_auth', 'wrong token');
    const answer = slackMethod(method, args);
    if (answer.ok) slackCalls.push({ method, args, at: r.at });
    return { status: 200, body: answer };
  }

  function channelOf(method: string, id: unknown, forWriting = true): SlackChannel | { ok: false; error: string } {
    const c = typeof id === 'string' ? channels.get(id) : undefined;
    if (!c) return refuseBody(method, 'channel_not_found', `unknown channel ${String(id)}`);
    if (forWriting && c.archived) return refuseBody(method, 'is_archived', `channel ${c.id} is archived`);
    return c;
  }
  function refuseBody(method: string, error: string, why: string) {
    violations.push(`slack ${method}: ${why}`);
    return { ok: false as const, error };
  }

  function slackMethod(method: string, a: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'conversations.create': {
        const name = String(a.name ?? '');
        if (name.length > 80) return refuseBody(method, 'invalid_name_maxlength', `name of ${name.length} characters`);
        if (!SLACK_NAME.test(name)) return refuseBody(method, 'invalid_name_specials', `name "${name}"`);
        if ([...channels.values()].some((c) => c.name === name)) return { ok: false, error: 'name_taken' };
        const id = `C0INC${String(++seq).padStart(4, '0')}`;
        addChannel(id, name);
        return {
          ok: true,
          channel: channelObject(channels.get(id)!, a.is_private === true || a.is_private === 'true'),
        };
      }
      case 'conversations.list': {
        const all = [...channels.values()].filter((c) => !(a.exclude_archived && c.archived));
        return { ok: true, channels: all.map((c) => channelObject(c, false)), response_metadata: { next_cursor: '' } };
      }
      case 'conversations.invite': {
        const c = channelOf(method, a.channel);
        if (!('id' in c)) return c;
        const users = String(a.users ?? '').split(',');
        if (users.length === 0 || users.length > 1000 || !users.every((u) => MEMBER_ID.test(u)))
          return refuseBody(
            method,
            'invalid_arguments',
            `users "${String(a.users)}" is not a comma list of member ids`,
          );
        if (users.every((u) => c.members.includes(u))) return { ok: false, error: 'already_in_channel' };
        c.members.push(...users.filter((u) => !c.members.includes(u)));
        return { ok: true, channel: channelObject(c, false) };
      }
      case 'conversations.setTopic': {
        const c = channelOf(method, a.channel);
        if (!('id' in c)) return c;
        if (typeof a.topic !== 'string') return refuseBody(method, 'invalid_arguments', 'no topic');
        if (a.topic.length > 250) return refuseBody(method, 'too_long', `topic of ${a.topic.length} characters`);
        c.topic = a.topic;
        return { ok: true, channel: channelObject(c, false) };
      }
      case 'bookmarks.add': {
        const c = channelOf(method, a.channel_id);
        if (!('id' in c)) return c;
        if (a.type !== 'link' || typeof a.title !== 'string' || !a.title || !isHttpUrl(a.link))
          return refuseBody(method, 'invalid_arguments', `bookmark ${JSON.stringify(a)}`);
        c.bookmarks.push({ title: a.title, link: String(a.link) });
        return {
          ok: true,
          bookmark: { id: `Bk0${++seq}`, channel_id: c.id, title: a.title, link: a.link, type: 'link' },
        };
      }
      case 'chat.postMessage':
      case 'chat.update': {
        if (typeof a.text !== 'string' && !a.blocks && !a.attachments)
          return refuseBody(method, 'no_text', 'neither text nor blocks');
        const to = String(a.channel ?? '');
        if (MEMBER_ID.test(to)) return { ok: true, channel: `D${to.slice(1)}`, ts: a.ts ?? nextTs() }; // a DM
        if (to.startsWith('D')) return { ok: true, channel: to, ts: a.ts ?? nextTs() };
        const c = channelOf(method, to);
        if (!('id' in c)) return c;
        c.posts.push(String(a.text ?? ''));
        return { ok: true, channel: c.id, ts: a.ts ?? nextTs() };
      }
      case 'conversations.archive': {
        const c = channelOf(method, a.channel, false);
        if (!('id' in c)) return c;
        if (c.archived) return { ok: false, error: 'already_archived' };
        c.archived = true;
        return { ok: true };
      }
      default:
        return refuseBody(method, 'unknown_method', `method ${method} is not one Vigil should call`);
    }
  }
  const nextTs = () => `1700000000.${String(++seq).padStart(6, '0')}`;

  function tracker(r: Received): Reply | undefined {
    const which: Tracker | undefined = r.path.startsWith('/jira/')
      ? 'jira'
      : r.path.startsWith('/linear/')
        ? 'linear'
        : r.path.startsWith('/github/')
          ? 'github'
          : undefined;
    if (!which) return undefined;
    const failure = failures[which].shift();
    if (failure) return failure;
    if (r.method !== 'POST') return refuse(`${which}: ${r.method}`, { status: 405, body: { message: 'Not allowed' } });
    if (!String(r.headers['content-type'] ?? '').startsWith('application/json'))
      return refuse(`${which}: content-type`, { status: 415, body: { message: 'Unsupported Media Type' } });
    let body: any;
    try {
      body = JSON.parse(r.body);
    } catch {
      return refuse(`${which}: body is not JSON`, { status: 400, body: { message: 'Problems parsing JSON' } });
    }
    const created = (key: string) =>
      issues.push({ tracker: which, key, body, idempotencyKey: String(r.headers['idempotency-key'] ?? ''), at: r.at });
    if (which === 'jira') return jira(r, body, created);
    if (which === 'linear') return linear(r, body, created);
    return github(r, body, created);
  }

  function jira(r: Received, body: any, created: (key: string) => void): Reply {
    if (r.path !== '/jira/rest/api/3/issue') return refuse(`jira: path ${r.path}`, { status: 404, body: {} });
    const expected = `Basic ${Buffer.from(`${JIRA.email}:${JIRA.token}`).toString('base64')}`;
    if (r.headers.authorization !== expected)
      return refuse('jira: basic auth', { status: 401, body: { errorMessages: ['Client must be authenticated'] } });
    const f = body?.fields ?? {};
    const errors: Record<string, string> = {};
    if (typeof f.project?.key !== 'string' && typeof f.project?.id !== 'string') errors.project = 'project is required';
    if (typeof f.issuetype?.name !== 'string' && typeof f.issuetype?.id !== 'string')
      errors.issuetype = 'issue type is required';
    if (typeof f.summary !== 'string' || !f.summary.trim()) errors.summary = 'You must specify a summary of the issue.';
    else if (f.summary.length > 255) errors.summary = 'Summary must be less than 255 characters.';
    if (f.description !== undefined && !isAdfDoc(f.description))
      errors.description = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
    if (Object.keys(errors).length > 0)
      return refuse(`jira: ${JSON.stringify(errors)}`, { status: 400, body: { errorMessages: [], errors } });
    const n = issues.filter((i) => i.tracker === 'jira').length + 1;
    const key = `${String(f.project.key)}-${n}`;
    created(key);
    return { status: 201, body: { id: String(10000 + n), key, self: `${baseUrl}/jira/rest/api/3/issue/${10000 + n}` } };
  }

  function linear(r: Received, body: any, created: (key: string) => void): Reply {
    const gqlError = (message: string, status = 400) =>
      refuse(`linear: ${message}`, { status, body: { errors: [{ message, extensions: { code: 'INVALID_INPUT' } }] } });
    if (r.path !== '/linear/graphql') return gqlError(`path ${r.path}`);
    if (r.headers.authorization !== LINEAR_KEY) return gqlError('Authentication required, not authenticated', 401);
    const query = String(body?.query ?? '');
    if (!/^\s*mutation\b/.test(query) || !/issueCreate\s*\(\s*input:\s*\$input\s*\)/.test(query))
      return gqlError('not the issueCreate mutation');
    const input = body?.variables?.input ?? {};
    if (typeof input.teamId !== 'string' || !UUID.test(input.teamId))
      return gqlError('Argument Validation Error: teamId must be a UUID');
    if (typeof input.title !== 'string' || !input.title.trim()) return gqlError('Argument Validation Error: title');
    if (input.description !== undefined && typeof input.description !== 'string')
      return gqlError('Argument Validation Error: description');
    const n = issues.filter((i) => i.tracker === 'linear').length + 1;
    const identifier = `ENG-${n}`;
    created(identifier);
    const issue = { id: `9cfb482a-81e3-4154-b5b9-2c805e70a0${String(n).padStart(2, '0')}`, identifier };
    const url = `https://linear.app/example/issue/${identifier}`;
    return { status: 200, body: { data: { issueCreate: { success: true, issue: { ...issue, url } } } } };
  }

  function github(r: Received, body: any, created: (key: string) => void): Reply {
    const m = /^\/github\/repos\/([\w.-]+)\/([\w.-]+)\/issues$/.exec(r.path);
    if (!m) return refuse(`github: path ${r.path}`, { status: 404, body: { message: 'Not Found' } });
    if (r.headers.authorization !== `Bearer ${GITHUB_TOKEN}`)
      return refuse('github: token', { status: 401, body: { message: 'Bad credentials' } });
    if (!String(r.headers.accept ?? '').includes('application/vnd.github+json') || !r.headers['user-agent'])
      return refuse('github: accept or user-agent', { status: 415, body: { message: 'Unsupported media type' } });
    if (!/^\d{4}-\d{2}-\d{2}$/.test(String(r.headers['x-github-api-version'] ?? '')))
      return refuse('github: api version', { status: 400, body: { message: 'Invalid API version' } });
    const badLabels = body?.labels !== undefined && !(Array.isArray(body.labels) && body.labels.every(isText));
    if (!isText(body?.title) || (body?.body !== undefined && typeof body.body !== 'string') || badLabels)
      return refuse(`github: ${r.body.slice(0, 200)}`, { status: 422, body: { message: 'Validation Failed' } });
    const number = issues.filter((i) => i.tracker === 'github').length + 1;
    created(`${m[1]}/${m[2]}#${number}`);
    const html = `https://github.com/${m[1]}/${m[2]}/issues/${number}`;
    return { status: 201, body: { id: 1000 + number, number, html_url: html, title: body.title, state: 'open' } };
  }

  const raw = await startHttpReceiver((r) => {
    if (r.path.startsWith('/slack/api/')) return slackApi(r);
    if (r.path.startsWith('/respond/')) return { status: 200, body: 'ok' };
    return tracker(r) ?? refuse(`unexpected ${r.method} ${r.path}`, { status: 404, body: 'not found' });
  });
  const baseUrl = raw.base;
  return {
    base: baseUrl,
    urls: {
      slackApi: `${baseUrl}/slack/api`,
      jira: `${baseUrl}/jira`,
      linear: `${baseUrl}/linear/graphql`,
      github: `${baseUrl}/github`,
      respond: `${baseUrl}/respond/`,
    },
    slackCalls,
    channels,
    issues,
    violations,
    raw,
    failNext: (t, replies) => void failures[t].push(...replies),
    slack: (method) => slackCalls.filter((c) => c.method === method),
    waitFor: (what, fn, timeoutMs = 60_000) => raw.waitFor(what, fn, timeoutMs),
    close: () => raw.close(),
  };
}

function channelObject(c: SlackChannel, isPrivate: boolean) {
  return {
    id: c.id,
    name: c.name,
    is_channel: true,
    is_private: isPrivate,
    is_archived: c.archived,
    name_normalized: c.name,
    topic: { value: c.topic, creator: '', last_set: 0 },
  };
}

const isText = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0;
function isHttpUrl(v: unknown): boolean {
  try {
    return /^https?:$/.test(new URL(String(v)).protocol);
  } catch {
    return false;
  }
}

/** An ADF document: doc v1 of block nodes whose text nodes carry non-empty text. */
function isAdfDoc(d: any): boolean {
  if (d?.type !== 'doc' || d.version !== 1 || !Array.isArray(d.content)) return false;
  const node = (n: any): boolean =>
    typeof n?.type === 'string' &&
    (n.type === 'text'
      ? isText(n.text)
      : n.content === undefined || (Array.isArray(n.content) && n.content.every(node)));
  return d.content.every((b: any) => b?.type !== 'text' && node(b));
}
