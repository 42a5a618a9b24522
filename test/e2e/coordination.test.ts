/**
 * Incident types and roles on the real stack (API, worker, Temporal, FerretDB): configured
 * through the config API, set by the alert and by responders, with the 4xx answers that name
 * what is wrong, and a template previewed against a live incident.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, fireSev1, seedOnePersonService, startSystem, tokens, type System } from './harness';

let sys: System;
beforeAll(async () => {
  sys = await startSystem('coordination');
  // Ola pages by email; no SMTP here, so each send fails at once as channel_not_configured.
  await seedOnePersonService(sys, {
    serviceId: 'checkout',
    contactMethods: [{ id: 'mail', type: 'email', address: 'ola@example.com' }],
  });
});
afterAll(async () => {
  await sys?.stop();
});

const admin = (method: string, route: string, body?: unknown) => sys.call(method, route, { token: tokens.admin, body });
const responder = (method: string, route: string, body?: unknown) =>
  sys.call(method, route, { token: tokens.responder, body });
const oneSchedule = (id: string, who: string) => ({
  id,
  name: id,
  timeZone: 'UTC',
  layers: [{ id: 'l', start: '2026-01-05T09:00', rotation: { type: 'weekly' }, participants: [who] }],
});

async function configure(): Promise<void> {
  const created = async (route: string, body: unknown) => expect((await admin('POST', route, body)).status).toBe(201);
  await created('/api/v1/users', {
    id: 'sec',
    name: 'Charlie Brown',
    email: 'sec@example.com',
    timezone: 'UTC',
    contactMethods: [{ id: 'mail', type: 'email', address: 'sec@example.com' }],
    notificationRules: [{ contactMethodId: 'mail', delayMinutes: 0 }],
  });
  await created('/api/v1/schedules', oneSchedule('sec-primary', 'sec'));
  await created('/api/v1/schedules', oneSchedule('ic-primary', 'ola'));
  await created('/api/v1/escalation-policies', {
    id: 'security-path',
    name: 'Security lead -> CISO -> CEO',
    loops: 0,
    levels: [{ delayMinutes: 60, targets: [{ type: 'user', id: 'sec' }] }],
  });
  await created('/api/v1/roles', {
    id: 'security-lead',
    name: 'Security Lead',
    rotation: { primaryScheduleId: 'sec-primary' },
    rotationOnly: true,
  });
  await created('/api/v1/roles', {
    id: 'incident-commander',
    name: 'Incident Commander',
    rotation: { primaryScheduleId: 'ic-primary' },
    assignOnSeverities: ['SEV1'],
  });
  await created('/api/v1/templates', {
    id: 'internal-initial',
    kind: 'initial',
    audience: 'internal',
    body: 'INCIDENT ALERT - {{severityLabel}} ({{type}})\nIncident Commander: {{holder.incident-commander}}',
  });
  await created('/api/v1/incident-types', {
    id: 'security',
    name: 'Security Incident',
    escalationPolicyId: 'security-path',
    severityFloor: 'SEV2',
    requiredRoles: ['security-lead'],
    templates: ['internal-initial'],
  });
}

const state = async (id: string) => (await responder('GET', `/api/v1/incidents/${id}`)).body;

describe('incident types and roles on the real stack', () => {
  it('refuses configuration that names what does not exist, by field', async () => {
    await configure();
    const bad = await admin('POST', '/api/v1/incident-types', {
      id: 'legal',
      name: 'Legal',
      requiredRoles: ['lawyer'],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('requiredRoles[0]: unknown role "lawyer"');
    const template = await admin('POST', '/api/v1/templates', { id: 't', kind: 'update', audience: 'all', body: 'x' });
    expect(template.status).toBe(400);
    expect(template.body.error.message).toContain('audience must be one of: internal, stakeholders, customers');
    const inUse = await admin('DELETE', '/api/v1/roles/security-lead');
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.message).toContain('incident type "security" (requiredRoles[0])');
  });

  it('an alert naming the type pages its policy, at its floor, with its role taken from the rotation', async () => {
    const r = await sys.call('POST', '/api/v1/alerts', {
      token: tokens.ingest,
      body: { source: 'ids', service: 'checkout', severity: 'SEV4', summary: 'Odd logins', incidentType: 'security' },
    });
    expect(r.status).toBe(202);
    const s = await eventually(async () => {
      const x = await state(r.body.incidentId);
      return x.roles?.length && x.escalation?.pagedAt ? x : undefined;
    });
    expect(s).toMatchObject({ incidentType: 'security', policyId: 'security-path', severity: 'SEV2' });
    expect(s.escalation.userIds).toEqual(['sec']);
    expect(s.roles).toMatchObject([{ roleId: 'security-lead', userId: 'sec', by: 'vigil' }]);
  });

  it('responders set the type mid-incident and assign, hand over and release roles; bad input is 4xx naming it', async () => {
    const id = await fireSev1(sys, { service: 'checkout', summary: 'Checkout down', dedupKey: 'coord-sev1' });
    await eventually(async () => ((await state(id)).roles?.length ? true : undefined));
    expect((await state(id)).roles).toMatchObject([{ roleId: 'incident-commander', userId: 'ola' }]);

    const unknown = await responder('PUT', `/api/v1/incidents/${id}/type`, { type: 'legal' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.message).toBe('unknown incident type "legal"; known: security');
    const typed = await responder('PUT', `/api/v1/incidents/${id}/type`, { type: 'security' });
    expect(typed.status).toBe(200);
    expect(typed.body).toMatchObject({ incidentType: 'security', policyId: 'security-path', status: 'triggered' });
    const typeSet = typed.body.timeline.find((e: { type: string }) => e.type === 'type_set');
    expect(typeSet.message).toMatch(
      /^Type set to security by \S+: paging continues on escalation policy security-path from level 1$/,
    );
    await eventually(async () => ((await state(id)).escalation?.userIds?.[0] === 'sec' ? true : undefined));

    const offRotation = await responder('PUT', `/api/v1/incidents/${id}/roles/security-lead`, { userId: 'ola' });
    expect(offRotation.status).toBe(422);
    expect(offRotation.body.error.message).toBe('user "ola" is not on the rotation of role "security-lead"');
    const noRole = await responder('PUT', `/api/v1/incidents/${id}/roles/scribe`, { userId: 'ola' });
    expect(noRole.status).toBe(422);
    expect(noRole.body.error.message).toContain('unknown role "scribe"');
    const noUser = await responder('PUT', `/api/v1/incidents/${id}/roles/incident-commander`, { userId: 'nobody' });
    expect(noUser.status).toBe(422);
    expect(noUser.body.error.message).toBe('unknown user "nobody"');
    const badBody = await responder('PUT', `/api/v1/incidents/${id}/roles/incident-commander`, { user: 'ola' });
    expect(badBody.status).toBe(400);
    expect(badBody.body.error.message).toContain('userId');

    const handedOver = await responder('PUT', `/api/v1/incidents/${id}/roles/incident-commander`, { userId: 'sec' });
    expect(handedOver.status).toBe(200);
    expect(handedOver.body.timeline.findLast((e: { type: string }) => e.type === 'role_assigned').message).toMatch(
      /^Role incident-commander handed over ola -> sec by \S+$/,
    );

    const preview = await responder('POST', '/api/v1/templates/internal-initial/preview', { incidentId: id });
    expect(preview.status).toBe(200);
    expect(preview.body.body).toBe('INCIDENT ALERT - P0 (security)\nIncident Commander: Charlie Brown');

    expect((await responder('DELETE', `/api/v1/incidents/${id}/roles/incident-commander`)).status).toBe(200);
    const again = await responder('DELETE', `/api/v1/incidents/${id}/roles/incident-commander`);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe('nobody holds role "incident-commander"');
  });
});
