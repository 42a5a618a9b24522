/**
 * `/incident status <id|number> <investigating|identified|monitoring|resolved> <message>`:
 * posts a responder's update on every status page whose incident follows this incident
 * and is not resolved yet (the same command as POST /incidents/{id}/status-page/{page}/updates,
 * audited as the Slack user). Inside an incident channel the id may be left out.
 */
import { PageIncidentStatusSchema } from '../../domain/status-page';
import type { AuditLog } from '../../lib/audit';
import { HttpError } from '../../api/errors';
import type { StatusPageCommands } from '../../api/status-page/commands';
import type { CommandDeps, SlackMessage } from './commands';

export const STATUS_PAGE_USAGE =
  '`/incident status <id|number> <investigating|identified|monitoring|resolved> <message>` post on status pages';

/** `status <id>` shows the incident; more words (or only a status word) post on its pages. */
export const wantsStatusPageUpdate = (rest: string[]) =>
  rest.length > 1 || (rest.length === 1 && PageIncidentStatusSchema.safeParse(rest[0]).success);

type IdOf = (ref: string | undefined, deps: CommandDeps) => Promise<string>;
const ephemeral = (text: string): SlackMessage => ({ response_type: 'ephemeral', text });

export async function statusPageBySlack(args: string[], by: string, deps: CommandDeps, idOf: IdOf) {
  const [ref, statusWord = '', ...words] = args;
  const status = PageIncidentStatusSchema.safeParse(statusWord.toLowerCase());
  const message = words.join(' ').trim();
  if (!status.success || !message) return ephemeral(`Give a status and a message:\n${STATUS_PAGE_USAGE}`);
  if (!deps.statusPages) return ephemeral('Status pages are not available on this Vigil API.');
  const id = await idOf(ref, deps);
  const latest = new Map<string, { status: string }>();
  for (const r of await deps.statusPages.list(id)) if (!latest.has(r.pageId)) latest.set(r.pageId, r);
  const open = [...latest].filter(([, r]) => r.status !== 'resolved').map(([pageId]) => pageId);
  if (open.length === 0) return ephemeral('This incident has no unresolved incident on any status page.');
  const done: string[] = [];
  const refused: string[] = [];
  for (const pageId of open) {
    try {
      await deps.statusPages.post(id, pageId, { status: status.data, message }, by);
      done.push(pageId);
    } catch (err) {
      refused.push(`${pageId}: ${err instanceof HttpError ? err.message : 'failed'}`);
    }
  }
  const lines = [
    done.length > 0 ? `Posted "${status.data}" on status page ${done.join(', ')} (by ${by}): ${message}` : '',
    ...refused.map((r) => `Not posted on ${r}`),
  ].filter(Boolean);
  return { response_type: done.length > 0 ? 'in_channel' : 'ephemeral', text: lines.join('\n') } as SlackMessage;
}

/** The commands with each post audited as the Slack user (the API's routes audit theirs). */
export function auditedStatusPages(commands: StatusPageCommands, audit: AuditLog): StatusPageCommands {
  return {
    ...commands,
    async post(incidentId, pageId, input, by) {
      const base = {
        actor: by,
        action: 'incident.status_page.update',
        route: 'slack',
        target: `incident:${incidentId}`,
      };
      try {
        const r = await commands.post(incidentId, pageId, input, by);
        await audit.append({ ...base, outcome: 'accepted' });
        return r;
      } catch (err) {
        const reason = err instanceof HttpError ? err.message : 'failed: internal error';
        await audit.append({ ...base, outcome: 'refused', reason }).catch(() => undefined);
        throw err;
      }
    },
  };
}
