/** `/incident status <id> <status> <message>`: posts on the incident's unresolved status-page incidents. */
import { describe, expect, it } from 'vitest';
import { runSlashCommand, type CommandDeps } from '../../integrations/slack/commands';
import { auditedStatusPages } from '../../integrations/slack/status-page-command';
import { conflict } from '../../api/errors';
import type { StatusPageCommands } from '../../api/status-page/commands';
import type { PageIncidentRecord } from '../../domain/status-page';
import { memoryAuditLog } from '../helpers/memory-stores';

const ID = 'incident-checkout-0123456789abcdef01234567';

function deps(pages: Array<Pick<PageIncidentRecord, 'pageId' | 'status'>>) {
  const posts: Array<{ pageId: string; input: unknown; by: string }> = [];
  const audit = memoryAuditLog();
  const commands = {
    list: async () => pages as PageIncidentRecord[],
    async post(_id: string, pageId: string, input: unknown, by: string) {
      if (pageId === 'gone') throw conflict(`the incident on status page "gone" is resolved: no more updates`);
      posts.push({ pageId, input, by });
      return {} as PageIncidentRecord;
    },
  } as unknown as StatusPageCommands;
  const d = {
    incidents: {} as CommandDeps['incidents'],
    directory: {
      incidentIdByNumber: async (n: number) => (n === 7 ? ID : undefined),
      incidentIdByChannel: async (c: string) => (c === 'CINC42' ? ID : undefined),
    } as unknown as CommandDeps['directory'],
    statusPages: auditedStatusPages(commands, audit),
  } satisfies CommandDeps;
  return { d, posts, audit };
}

describe('/incident status <id> <status> <message>', () => {
  it('posts on every page whose incident is unresolved, by number or inside the channel, audited', async () => {
    const { d, posts, audit } = deps([
      { pageId: 'public', status: 'investigating' },
      { pageId: 'internal', status: 'resolved' },
    ]);
    const said = await runSlashCommand('status #7 identified Rolling back the deploy', 'alice', d);
    expect(said).toEqual({
      response_type: 'in_channel',
      text: 'Posted "identified" on status page public (by alice): Rolling back the deploy',
    });
    expect(posts).toEqual([
      { pageId: 'public', input: { status: 'identified', message: 'Rolling back the deploy' }, by: 'alice' },
    ]);
    await runSlashCommand('status monitoring Fix deployed', 'alice', d, 'CINC42');
    expect(posts[1]).toMatchObject({ pageId: 'public', input: { status: 'monitoring', message: 'Fix deployed' } });
    const entries = await audit.list({ limit: 10 });
    expect(entries.map((e) => [e.actor, e.action, e.route, e.outcome])).toEqual([
      ['alice', 'incident.status_page.update', 'slack', 'accepted'],
      ['alice', 'incident.status_page.update', 'slack', 'accepted'],
    ]);
  });

  it('says what is wrong: a bad status, no message, no open page incident, a refusal', async () => {
    const { d } = deps([{ pageId: 'gone', status: 'investigating' }]);
    expect((await runSlashCommand('status #7 fixed all good', 'alice', d)).text).toMatch(
      /^Give a status and a message/,
    );
    expect((await runSlashCommand('status #7 resolved', 'alice', d)).text).toMatch(/^Give a status and a message/);
    expect((await runSlashCommand('status #7 resolved Done', 'alice', d)).text).toBe(
      'Not posted on gone: the incident on status page "gone" is resolved: no more updates',
    );
    const none = deps([]).d;
    expect((await runSlashCommand('status #7 resolved Done', 'alice', none)).text).toBe(
      'This incident has no unresolved incident on any status page.',
    );
  });
});
