/** `/incident type` and `/incident role` run the same updates as the REST routes. */
import { describe, expect, it } from 'vitest';
import { runSlashCommand, type CommandDeps } from '../../integrations/slack/commands';
import { HttpError } from '../../api/errors';
import type { IncidentState } from '../../domain/incident/incident';

const ID = 'incident-checkout-0123456789abcdef01234567';

function deps(calls: Array<{ name: string; cmd: unknown }>): CommandDeps {
  return {
    incidents: {
      ingest: async () => ({ incidentId: ID }),
      sourceResolved: async () => ({ incidentId: ID, delivered: true }),
      state: async () => ({}) as IncidentState,
      note: async () => {},
      async command(_id, name, cmd) {
        calls.push({ name, cmd });
        if (name === 'type' && (cmd as { type: string }).type === 'legal')
          throw new HttpError(422, 'coordination_refused', 'unknown incident type "legal"; known: security');
        return { number: 7, severity: 'SEV2' } as IncidentState;
      },
    },
    directory: {
      userBySlackId: async (id) => (id === 'U0CHARLIE' ? { id: 'charlie-brown', name: 'Charlie Brown' } : undefined),
      incidentIdByNumber: async (n) => (n === 7 ? ID : undefined),
      serviceExists: async () => true,
      onCall: async () => undefined,
    },
  };
}

describe('/incident type and /incident role', () => {
  it('sets the type, assigns by mention or id, releases; refusals come back as messages', async () => {
    const calls: Array<{ name: string; cmd: unknown }> = [];
    const d = deps(calls);
    expect((await runSlashCommand('type #7 security', 'alice', d)).text).toBe(
      'Incident #7 is now of type security (set by alice). Severity SEV2.',
    );
    expect((await runSlashCommand('role 7 security-lead <@U0CHARLIE|charlie>', 'alice', d)).text).toBe(
      'Incident #7: Charlie Brown now holds role security-lead (by alice).',
    );
    await runSlashCommand('role 7 scribe bob-wilson', 'alice', d);
    await runSlashCommand('role 7 scribe release', 'alice', d);
    expect(calls).toEqual([
      { name: 'type', cmd: { by: 'alice', type: 'security' } },
      { name: 'assignRole', cmd: { by: 'alice', roleId: 'security-lead', userId: 'charlie-brown' } },
      { name: 'assignRole', cmd: { by: 'alice', roleId: 'scribe', userId: 'bob-wilson' } },
      { name: 'releaseRole', cmd: { by: 'alice', roleId: 'scribe' } },
    ]);
    expect((await runSlashCommand('type 7 legal', 'alice', d)).text).toContain('unknown incident type "legal"');
    expect((await runSlashCommand('role 7 scribe <@U0NOBODY>', 'alice', d)).text).toBe(
      '<@U0NOBODY> is not mapped to a Vigil user.',
    );
    expect((await runSlashCommand('role 7', 'alice', d)).text).toContain('/incident role <id|number>');
  });
});
