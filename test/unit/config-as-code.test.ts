import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatIssue, loadConfigFolder, type LoadResult } from '../../lib/config-as-code';
import { ServiceSchema } from '../../domain/config';
import { onCallAt } from '../../domain/oncall';

const NOW = '2026-03-01T12:00:00Z';
const CONFIG_DIR = path.resolve(__dirname, '../../config');

describe('the shipped config/ folder', () => {
  let loaded: LoadResult;
  it('loads with no errors and no warnings', async () => {
    loaded = await loadConfigFolder(CONFIG_DIR, { now: NOW });
    expect(loaded.errors.map(formatIssue)).toEqual([]);
    expect(loaded.warnings.map(formatIssue)).toEqual([]);
    expect(loaded.ok).toBe(true);
    const counts = Object.fromEntries(Object.entries(loaded.entities).map(([k, v]) => [k, v.length]));
    expect(counts).toEqual({
      ...{ user: 16, team: 4, schedule: 14, escalationPolicy: 4, service: 12 },
      ...{ statusPage: 2, role: 5, commsTemplate: 7, incidentType: 6 },
    });
  });

  it('follows the seeds: 5/15/30/60 chain looping twice, tiers from the priority matrix', () => {
    // The teams' chains; the security path (seed 004's security lead -> CISO -> CEO) is coordination.yaml's.
    for (const policy of loaded.entities.escalationPolicy.filter((p) => p.id !== 'security')) {
      expect(policy.loops).toBe(2);
      expect(policy.levels.map((l) => l.delayMinutes)).toEqual([5, 15, 30, 60]);
      expect(policy.levels.map((l) => l.targets[0]?.type)).toEqual(['schedule', 'schedule', 'user', 'team']);
    }
    const tier = Object.fromEntries(loaded.entities.service.map((s) => [s.id, s.tier]));
    expect(tier).toMatchObject({
      'api-gateway': 1,
      auth: 1,
      database: 1,
      'model-metrics': 2,
      kafka: 2,
      monitoring: 3,
      redis: 3,
      'dev-tools': 4,
    });
    const services = loaded.entities.service;
    expect(services.some((s) => s.maintenanceWindows.length > 0)).toBe(true);
    expect(services.some((s) => s.severityOverrides !== undefined)).toBe(true);
    expect(services.some((s) => s.statusPageComponent !== undefined)).toBe(true);
    expect(services.every((s) => ServiceSchema.safeParse(s).success && s.integrationKeys.length > 0)).toBe(true);
  });

  it('notifies by Slack at once, SMS after 5 minutes, a call after 10', () => {
    for (const user of loaded.entities.user) {
      const byType = new Map(user.contactMethods.map((m) => [m.id, m.type]));
      const rules = user.notificationRules.map((r) => `${byType.get(r.contactMethodId)}@${r.delayMinutes}`);
      expect(rules).toEqual(expect.arrayContaining(['slack@0', 'sms@5', 'voice@10']));
      expect(user.email).toMatch(/@example\.com$/);
    }
  });

  it("hands off at 09:00 New York time; the secondary is last week's primary", () => {
    const schedule = (id: string) => loaded.entities.schedule.find((s) => s.id === id)!;
    // 2026-01-12 is a Monday; 09:00 EST = 14:00Z.
    expect(onCallAt(schedule('platform-primary'), '2026-01-12T13:59:00Z').userIds).toEqual(['alice-johnson']);
    expect(onCallAt(schedule('platform-primary'), '2026-01-12T14:00:00Z').userIds).toEqual(['bob-wilson']);
    expect(onCallAt(schedule('platform-secondary'), '2026-01-12T13:59:00Z').userIds).toEqual([]);
    expect(onCallAt(schedule('platform-secondary'), '2026-01-12T14:00:00Z').userIds).toEqual(['alice-johnson']);
    // After DST starts (2026-03-08) the handoff stays at 09:00 local = 13:00Z.
    expect(onCallAt(schedule('platform-primary'), '2026-03-09T12:59:00Z').userIds).toEqual(['charlie-brown']);
    expect(onCallAt(schedule('platform-primary'), '2026-03-09T13:00:00Z').userIds).toEqual(['alice-johnson']);
    // The Thanksgiving override puts Mei on in Diego's week.
    expect(onCallAt(schedule('ml-primary'), '2026-11-26T15:00:00Z')).toMatchObject({
      userIds: ['mei-chen'],
      scheduledUserId: 'diego-alvarez',
      overrideApplied: true,
    });
  });
});

describe('config/README.md', () => {
  it('shows an example that validates against the shipped folder', async () => {
    const readme = readFileSync(path.join(CONFIG_DIR, 'README.md'), 'utf8');
    const example = /```yaml\n([^]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const shipped = await loadConfigFolder(CONFIG_DIR, { now: NOW });
    const { errors, warnings } = await problems({ 'example.yaml': example! }, { external: shipped.entities });
    expect([...errors, ...warnings]).toEqual([]);
  });
});

const tmpDirs: string[] = [];
afterAll(() => tmpDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Writes files into a fresh temp folder; returns the folder. */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-cac-'));
  tmpDirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** "file:line:column" of the first occurrence of `needle` (after `after`, if given). */
function at(files: Record<string, string>, file: string, needle: string, after = ''): string {
  const text = files[file]!;
  const offset = text.indexOf(needle, after === '' ? 0 : text.indexOf(after));
  if (offset < 0) throw new Error(`"${needle}" not in ${file}`);
  const before = text.slice(0, offset).split('\n');
  return `${file}:${before.length}:${before[before.length - 1]!.length + 1}`;
}

async function problems(files: Record<string, string>, opts: Parameters<typeof loadConfigFolder>[1] = {}) {
  const dir = folder(files);
  const result = await loadConfigFolder(dir, { now: NOW, ...opts });
  const strip = (s: string) => s.split(`${dir}${path.sep}`).join('');
  return {
    result,
    errors: result.errors.map((i) => strip(formatIssue(i))),
    warnings: result.warnings.map((i) => strip(formatIssue(i))),
  };
}

const USERS = `users:
  - id: alice
    name: Alice
    email: alice@example.com
    timezone: America/New_York
  - id: bob
    name: Bob
    email: bob@example.com
    timezone: America/New_York
`;
const PAGING = `teams:
  - id: web
    name: Web
    members: [{ userId: alice }, { userId: bob }]
    defaultEscalationPolicyId: web
schedules:
  - id: web-primary
    name: Web primary
    timeZone: America/New_York
    layers:
      - { id: weekly, start: "2026-01-05T09:00", rotation: { type: weekly }, participants: [alice, bob] }
escalationPolicies:
  - id: web
    name: Web
    levels:
      - delayMinutes: 5
        targets: [{ type: schedule, id: web-primary }]
      - delayMinutes: 15
        targets: [{ type: team, id: web }]
`;
const SERVICES = `services:
  - id: checkout
    name: Checkout
    tier: 1
    teamId: web
    escalationPolicyId: web
    integrationKeys:
      - { source: alertmanager, key: aaaaaaaaaabbbbbbbbbbcccccccccc01 }
  - id: cart
    name: Cart
    tier: 2
    teamId: web
    escalationPolicyId: web
    integrationKeys:
      - { source: alertmanager, key: aaaaaaaaaabbbbbbbbbbcccccccccc02 }
`;
const BASE = { 'users.yaml': USERS, 'paging.yaml': PAGING, 'services.yml': SERVICES };

describe('a valid folder', () => {
  it('loads with one file per kind or everything mixed, nested folders included', async () => {
    expect((await problems(BASE)).errors).toEqual([]);
    const nested = await problems({
      'team/a.yaml': `${USERS}---\n${PAGING}`,
      'b/c/services.yaml': SERVICES,
      '.hidden/x.yaml': 'nonsense: [',
    });
    expect(nested.errors).toEqual([]);
    expect(nested.result.files.map((f) => path.basename(f))).toEqual(['services.yaml', 'a.yaml']);
  });

  it('accepts anchors kept under x- keys and merged with <<', async () => {
    const users = `x-person: &person
  timezone: America/New_York
  contactMethods: [{ id: slack, type: slack, address: U0EXAMPLE01 }]
  notificationRules: [{ contactMethodId: slack, delayMinutes: 0 }]
users:
  - { <<: *person, id: alice, name: Alice, email: alice@example.com }
  - { <<: *person, id: bob, name: Bob, email: bob@example.com }
`;
    const { result, errors } = await problems({ ...BASE, 'users.yaml': users });
    expect(errors).toEqual([]);
    expect(result.entities.user.map((u) => [u.id, u.timezone, u.notificationRules.length])).toEqual([
      ['alice', 'America/New_York', 1],
      ['bob', 'America/New_York', 1],
    ]);
  });

  it('reports policy warnings without refusing', async () => {
    const files = { ...BASE, 'paging.yaml': PAGING.replace('delayMinutes: 5', 'delayMinutes: 0') };
    const { result, warnings } = await problems(files);
    expect(result.ok).toBe(true);
    // Readiness too: these two users have no notification rules, so a page reaches neither.
    const unreachable = (i: number, id: string) =>
      `${at(files, 'users.yaml', `id: ${id}`)} users[${i}].notificationRules: has no notification rules: a page to this user reaches nobody`;
    expect(warnings).toEqual([
      `${at(files, 'paging.yaml', '0', 'delayMinutes: 0')} escalationPolicies[0].levels[0].delayMinutes: delay 0: levels[1] is paged at the same moment as levels[0]`,
      unreachable(0, 'alice'),
      unreachable(1, 'bob'),
    ]);
  });

  it("warns when a service's statusPageComponent matches no status page component", async () => {
    const services = SERVICES.replace('    tier: 1\n', '    tier: 1\n    statusPageComponent: Chekout\n').replace(
      '    tier: 2\n',
      '    tier: 2\n    statusPageComponent: cart api\n',
    );
    const page = `statusPages:\n  - id: public\n    name: Status\n    components:\n      - { id: checkout, name: Cart API }\n`;
    const files = { ...BASE, 'services.yml': services, 'pages.yaml': page };
    const { result, warnings } = await problems(files);
    expect(result.ok).toBe(true);
    expect(warnings.filter((w) => w.includes('statusPageComponent'))).toEqual([
      `${at(files, 'services.yml', 'Chekout')} services[0].statusPageComponent: "Chekout" matches no status page component: no status page has a component of that id or name`,
    ]);
  });

  it('may reference entities the API manages', async () => {
    const files = { 'services.yaml': SERVICES };
    expect((await problems(files)).result.ok).toBe(false);
    const loaded = (await problems(files, { external: await externalsFromBase() })).result;
    expect(loaded.errors).toEqual([]);
  });
});

async function externalsFromBase() {
  const base = await loadConfigFolder(folder({ 'users.yaml': USERS, 'paging.yaml': PAGING }), { now: NOW });
  return base.entities;
}

describe('an invalid folder is refused with every error, each at file:line:column and field path', () => {
  it.each([
    [
      'unknown field',
      { 'users.yaml': USERS.replace('    email: bob', '    emial: typo@example.com\n    email: bob') },
      (f: Record<string, string>) => [
        `${at(f, 'users.yaml', 'emial')} users[1]: unknown field "emial"; allowed: id, name, email, timezone, contactMethods, notificationRules`,
      ],
    ],
    [
      'wrong type',
      { 'services.yml': SERVICES.replace('tier: 2', 'tier: "2"') },
      (f: Record<string, string>) => [
        `${at(f, 'services.yml', '"2"')} services[1].tier: Invalid input: expected number, received string`,
      ],
    ],
    [
      'out of range',
      { 'services.yml': SERVICES.replace('tier: 2', 'tier: 7') },
      (f: Record<string, string>) => [
        `${at(f, 'services.yml', '7')} services[1].tier: must be 1 (critical) to 4 (low)`,
      ],
    ],
    [
      'duplicate id across two files',
      { 'zz/users.yaml': 'users:\n  - id: bob\n    name: Bobby\n    email: b@example.com\n    timezone: UTC\n' },
      (f: Record<string, string>) => [
        `${at(f, 'zz/users.yaml', 'bob')} users[0].id: duplicate user id "bob"; first declared at users.yaml:6:5`,
      ],
    ],
    [
      'unknown reference',
      { 'services.yml': SERVICES.replace(/teamId: web(?![^]*teamId)/, 'teamId: mobile') },
      (f: Record<string, string>) => [
        `${at(f, 'services.yml', 'mobile')} services[1].teamId: unknown team "mobile": not declared in the folder nor created through the API`,
      ],
    ],
    [
      'invalid YAML syntax',
      { 'users.yaml': USERS.replace('name: Bob', 'name: [Bob') },
      () => [
        'users.yaml:8:5 invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
      ],
    ],
    [
      'integration key reused',
      { 'services.yml': SERVICES.replace('cccccccccc02', 'cccccccccc01') },
      (f: Record<string, string>) => [
        `${at(f, 'services.yml', 'aaaaaaaaaabbbbbbbbbbcccccccccc01', '- id: cart')} services[1].integrationKeys[0].key: integration key already used by service "checkout" (services.yml:2:5)`,
      ],
    ],
  ])('%s', async (_name, change, expected) => {
    const files = { ...BASE, ...change } as Record<string, string>;
    const { result, errors } = await problems(files);
    expect(result.ok).toBe(false);
    expect(errors).toEqual(expected(files));
  });

  it('lists every error of a folder that has them all, in file order', async () => {
    const files: Record<string, string> = {
      'users.yaml': USERS.replace('    email: bob', '    emial: typo@example.com\n    email: bob'),
      'paging.yaml': PAGING.replace('participants: [alice, bob]', 'participants: [alice, zed]'),
      'services.yml': SERVICES.replace('tier: 2', 'tier: "2"').replace('cccccccccc02', 'cccccccccc01'),
      'z-broken.yaml': 'users:\n  - id: carol\n    name: [Carol\n',
      'z-dup.yaml':
        'services:\n  - id: cart\n    name: Cart\n    tier: 3\n    teamId: web\n    escalationPolicyId: web\n',
    };
    const { errors } = await problems(files);
    expect(errors).toEqual([
      `${at(files, 'paging.yaml', 'zed')} schedules[0].layers[0].participants[1]: unknown user "zed": not declared in the folder nor created through the API`,
      `${at(files, 'services.yml', '"2"')} services[1].tier: Invalid input: expected number, received string`,
      `${at(files, 'services.yml', 'aaaaaaaaaabbbbbbbbbbcccccccccc01', '- id: cart')} services[1].integrationKeys[0].key: integration key already used by service "checkout" (services.yml:2:5)`,
      `${at(files, 'users.yaml', 'emial')} users[1]: unknown field "emial"; allowed: id, name, email, timezone, contactMethods, notificationRules`,
      expect.stringMatching(/^z-broken\.yaml:\d+:\d+ invalid YAML: /),
      `${at(files, 'z-dup.yaml', 'cart')} services[0].id: duplicate service id "cart"; first declared at services.yml:9:5`,
    ]);
  });

  it('names missing required fields at the entity and refuses unknown kinds and non-lists', async () => {
    const files = { ...BASE, 'extra.yaml': 'users:\n  - id: carol\n    name: Carol\nwidgets: []\nteams: web\n' };
    const { errors } = await problems(files);
    expect(errors).toEqual([
      'extra.yaml:2:5 users[0].email: must be an email address',
      'extra.yaml:2:5 users[0].timezone: Invalid input: expected string, received undefined',
      'extra.yaml:4:1 widgets: unknown kind "widgets"; allowed: users, teams, schedules, escalationPolicies, services, statusPages, roles, templates, incidentTypes (and x-... for anchors)',
      'extra.yaml:5:1 teams: must be a list of entities ("- id: ...")',
    ]);
  });

  it('refuses an empty or missing folder rather than delete everything', async () => {
    expect((await problems({ 'README.md': '# nothing' })).errors).toEqual([
      expect.stringMatching(/no \*\.yaml or \*\.yml files in the config folder/),
    ]);
    const missing = await loadConfigFolder(path.join(os.tmpdir(), 'vigil-no-such-folder'));
    expect(missing.errors.map(formatIssue)).toEqual([expect.stringMatching(/cannot read the config folder: ENOENT/)]);
  });
});
