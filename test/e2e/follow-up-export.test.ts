/**
 * Follow-up export on the real stack (API, worker, Temporal, FerretDB): review action items
 * of resolved incidents go to each team's tracker, Jira Cloud, Linear and GitHub, played by
 * a local receiver that checks each vendor's documented request (test/e2e/vendor-receiver.ts).
 * Each item becomes exactly one issue, also when the tracker fails transiently first and when
 * the export is asked for twice at once or again later; the issue's key and link are stored
 * on the review and shown in its JSON and Markdown. A refused export leaves the item
 * unexported and may be asked for again.
 */
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startSystem, tokens, type System } from './harness';
import { GITHUB_TOKEN, JIRA, LINEAR_KEY, startVendorReceiver, type VendorReceiver } from './vendor-receiver';

const LINEAR_TEAM = '5b6c2f7e-3a41-4d2b-9a55-0c8e1f2a7d10';

let sys: System;
let rx: VendorReceiver;
let connection: Connection;

beforeAll(async () => {
  rx = await startVendorReceiver();
  sys = await startSystem('follow-up-export', {
    VIGIL_JIRA_URL: rx.urls.jira,
    VIGIL_JIRA_EMAIL: JIRA.email,
    VIGIL_JIRA_API_TOKEN: JIRA.token,
    VIGIL_LINEAR_API_URL: rx.urls.linear,
    VIGIL_LINEAR_API_KEY: LINEAR_KEY,
    VIGIL_GITHUB_API_URL: rx.urls.github,
    VIGIL_GITHUB_TOKEN: GITHUB_TOKEN,
  });
  connection = await Connection.connect({ address: sys.temporalAddress });
  const admin = async (route: string, body: unknown) => {
    const r = await sys.call('POST', `/api/v1/${route}`, { token: tokens.admin, body });
    if (r.status !== 201) throw new Error(`POST ${route}: ${r.status} ${JSON.stringify(r.body)}`);
  };
  await admin('users', {
    id: 'ola',
    name: 'Ola',
    email: 'ola@example.com',
    timezone: 'UTC',
    contactMethods: [{ id: 'mail', type: 'email', address: 'ola@example.com' }],
    notificationRules: [{ contactMethodId: 'mail', delayMinutes: 0 }],
  });
  await admin('escalation-policies', {
    id: 'p',
    name: 'P',
    loops: 0,
    levels: [{ delayMinutes: 60, targets: [{ type: 'user', id: 'ola' }] }],
  });
  const trackers = {
    platform: { tracker: 'jira', projectKey: 'OPS', issueType: 'Task' },
    ml: { tracker: 'linear', teamId: LINEAR_TEAM },
    web: { tracker: 'github', repo: 'acme/web', labels: ['incident-follow-up'] },
  };
  for (const [team, followUps] of Object.entries(trackers)) {
    await admin('teams', { id: team, name: team, members: [{ userId: 'ola' }], followUps });
    await admin('services', { id: `${team}-api`, name: `${team} API`, tier: 3, teamId: team, escalationPolicyId: 'p' });
  }
});

afterAll(async () => {
  await connection?.close();
  await sys?.stop();
  await rx?.close();
});

const responder = (method: string, route: string, body?: unknown) =>
  sys.call(method, route, { token: tokens.responder, body });

/** A SEV3 on `service`, resolved through the API; its id once the review is written. */
async function resolvedIncident(service: string, summary: string): Promise<string> {
  const fired = await sys.call('POST', '/api/v1/alerts', {
    token: tokens.ingest,
    body: { source: 'prometheus', service, severity: 'SEV3', summary, dedupKey: `export-${service}` },
  });
  expect(fired.status).toBe(202);
  const id: string = fired.body.incidentId;
  await eventually(async () => ((await responder('GET', `/api/v1/incidents/${id}`)).status === 200 ? true : undefined));
  expect((await responder('POST', `/api/v1/incidents/${id}/resolve`, { note: 'fixed' })).status).toBe(200);
  await eventually(
    async () => ((await responder('GET', `/api/v1/incidents/${id}/review`)).status === 200 ? true : undefined),
    30_000,
  );
  return id;
}

async function addItem(id: string, title: string, priority?: string): Promise<string> {
  const r = await responder('PATCH', `/api/v1/incidents/${id}/review/action-items`, {
    op: 'add',
    title,
    owner: 'ola',
    dueDate: '2026-04-01',
    ...(priority ? { priority } : {}),
  });
  expect(r.status).toBe(200);
  return r.body.actionItems.at(-1).id as string;
}

const exportItems = (id: string, ids?: string[]) =>
  responder('POST', `/api/v1/incidents/${id}/review/action-items/export`, ids ? { ids } : {});

/** The review once every item has its external reference. */
const exportedReview = (id: string) =>
  eventually(async () => {
    const r = (await responder('GET', `/api/v1/incidents/${id}/review`)).body;
    return r.actionItems.every((i: { external?: unknown }) => i.external) ? r : undefined;
  }, 60_000);

describe('follow-up export on the real stack', () => {
  it('exports to Jira once per item, through a transient failure, and shows key and link on the review', async () => {
    const id = await resolvedIncident('platform-api', 'Login latency above 2 s');
    const a1 = await addItem(id, 'Alert on p99 login latency', 'high');
    const a2 = await addItem(id, 'Load-test the session store');
    expect(rx.issues).toHaveLength(0); // nothing leaves before it is asked for
    rx.failNext('jira', [{ status: 503, body: { errorMessages: ['Service unavailable'] } }]);

    const started = await exportItems(id);
    expect(started.status).toBe(202);
    expect(started.body.items.map((i: { id: string; state: string }) => [i.id, i.state])).toEqual([
      [a1, 'started'],
      [a2, 'started'],
    ]);
    const review = await exportedReview(id);
    const jira = rx.issues.filter((i) => i.tracker === 'jira');
    expect(jira).toHaveLength(2);
    // Three requests: the one answered 503, retried, and the other item's.
    expect(rx.raw.received.filter((r) => r.path === '/jira/rest/api/3/issue')).toHaveLength(3);
    const { number, runKey } = (await responder('GET', `/api/v1/incidents/${id}`)).body;
    for (const item of review.actionItems) {
      const issue = jira.find((i) => i.body.fields.summary === item.title);
      expect(issue?.idempotencyKey).toBe(`${id}:${runKey}:${item.id}`);
      expect(issue?.body.fields).toMatchObject({ project: { key: 'OPS' }, issuetype: { name: 'Task' } });
      const text = JSON.stringify(issue?.body.fields.description);
      expect(text).toContain(`Action item ${item.id} from the post-incident review of #${number} platform-api`);
      expect(text).toContain(`Review: ${sys.apiUrl}/incidents/${id}`);
      expect(item.external).toMatchObject({
        tracker: 'jira',
        key: issue?.key,
        url: `${rx.urls.jira}/browse/${issue?.key}`,
      });
      expect(Date.parse(item.external.exportedAt)).not.toBeNaN();
    }

    // Asked again: answered from the review, no second issue.
    const again = await exportItems(id);
    expect(again.status).toBe(202);
    expect(again.body.items.map((i: { state: string }) => i.state)).toEqual(['exported', 'exported']);
    expect(again.body.items[0].external).toEqual(review.actionItems[0].external);
    const md = await sys.call('GET', `/api/v1/incidents/${id}/review?format=markdown`, { token: tokens.responder });
    const first = review.actionItems.find((i: { id: string }) => i.id === a1).external;
    expect(md.body).toContain(
      `Alert on p99 login latency (owner: ola, due 2026-04-01, priority high; id ${a1}; jira [${first.key}](${first.url}))`,
    );

    const unknown = await exportItems(id, ['A99']);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe('ids: no action item "A99" in this review');
    await new Promise((r) => setTimeout(r, 1000));
    expect(rx.issues.filter((i) => i.tracker === 'jira')).toHaveLength(2);
    expect(rx.violations).toEqual([]);
  });

  it('exports to Linear once when asked twice at once', async () => {
    const id = await resolvedIncident('ml-api', 'Model scores stale');
    const item = await addItem(id, 'Page when the feature store lags');
    const answers = await Promise.all([exportItems(id), exportItems(id)]);
    expect(answers.map((a) => a.status)).toEqual([202, 202]);
    expect(new Set(answers.map((a) => a.body.items[0].workflowId)).size).toBe(1);
    const review = await exportedReview(id);
    const linear = rx.issues.filter((i) => i.tracker === 'linear');
    expect(linear).toHaveLength(1);
    expect(linear[0]?.body.variables.input).toMatchObject({
      teamId: LINEAR_TEAM,
      title: 'Page when the feature store lags',
    });
    expect(linear[0]?.body.variables.input.description).toContain(`Action item ${item}`);
    expect(review.actionItems[0].external).toMatchObject({
      tracker: 'linear',
      key: 'ENG-1',
      url: 'https://linear.app/example/issue/ENG-1',
    });
    expect(rx.violations).toEqual([]);
  });

  it('a GitHub refusal leaves the item unexported; asked again, it is exported once', async () => {
    const id = await resolvedIncident('web-api', 'Status page slow');
    await addItem(id, 'Cache the status page');
    rx.failNext('github', [{ status: 422, body: { message: 'Validation Failed', errors: [{ code: 'invalid' }] } }]);
    const first = await exportItems(id);
    expect(first.status).toBe(202);
    const handle = new Client({ connection }).workflow.getHandle(first.body.items[0].workflowId);
    await expect(handle.result()).rejects.toThrow();
    const refused = (await responder('GET', `/api/v1/incidents/${id}/review`)).body;
    expect(refused.actionItems[0].external).toBeUndefined();
    expect(rx.issues.filter((i) => i.tracker === 'github')).toHaveLength(0);

    const retried = await exportItems(id);
    expect(retried.body.items[0].state).toBe('started');
    const review = await exportedReview(id);
    const github = rx.issues.filter((i) => i.tracker === 'github');
    expect(github).toHaveLength(1);
    expect(github[0]?.body).toMatchObject({ title: 'Cache the status page', labels: ['incident-follow-up'] });
    expect(review.actionItems[0].external).toMatchObject({
      tracker: 'github',
      key: 'acme/web#1',
      url: 'https://github.com/acme/web/issues/1',
    });
    expect(rx.violations).toEqual([]);
  });
});
