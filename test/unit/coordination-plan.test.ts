/**
 * The coordination plan a new incident loads with its service plan (a local activity, in
 * front of the first page) also carries its status pages and whether anyone is told, so
 * the workflow asks no activity for either when there is nothing to do.
 */
import { describe, expect, it } from 'vitest';
import { coordinationPlan } from '../../activities/coordination';
import type { ConfigSnapshot } from '../../lib/models/config';
import { PAGE } from './status-page-fixtures';

const NOW = new Date('2026-12-02T05:00:00Z');

function snapshot(services: unknown[]): ConfigSnapshot {
  return {
    users: [],
    teams: [],
    schedules: [],
    escalationPolicies: [],
    services,
    statusPages: [PAGE],
    roles: [],
    templates: [],
    incidentTypes: [],
  } as unknown as ConfigSnapshot;
}

describe('coordination plan', () => {
  const snap = snapshot([
    {
      id: 'api-gateway',
      name: 'API gateway',
      tier: 1,
      stakeholders: { emails: ['cto@example.com'], slackChannels: [] },
    },
    { id: 'batch', name: 'Batch', tier: 3, stakeholders: { emails: [], slackChannels: [] } },
    { id: 'chat', name: 'Chat', tier: 2, stakeholders: { emails: [], slackChannels: ['C0STAKE01'] } },
  ]);

  it("lists the pages whose components the service affects, with the page's rules and quiet period", () => {
    expect(coordinationPlan(snap, 'api-gateway', NOW).statusPages).toEqual([
      {
        pageId: 'public',
        pageName: 'Acme Status',
        quietMinutes: 10,
        components: [{ id: 'api', name: 'API' }],
        rules: PAGE.rules,
      },
    ]);
    expect(coordinationPlan(snap, 'batch', NOW).statusPages).toEqual([]);
    expect(coordinationPlan(snap, 'unknown', NOW).statusPages).toEqual([]);
  });

  it('says whether the service lists anyone to tell: an email or a Slack channel', () => {
    expect(coordinationPlan(snap, 'api-gateway', NOW).stakeholderLists).toBe(true);
    expect(coordinationPlan(snap, 'chat', NOW).stakeholderLists).toBe(true);
    expect(coordinationPlan(snap, 'batch', NOW).stakeholderLists).toBe(false);
    expect(coordinationPlan(snap, 'unknown', NOW).stakeholderLists).toBe(false);
  });
});
