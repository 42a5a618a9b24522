/**
 * `/incident type <id|number> <type>` and `/incident role <id|number> <role> <@user|user id|release>`:
 * the same workflow updates as PUT /incidents/{id}/type and PUT / DELETE /incidents/{id}/roles/{role}.
 */
import type { CommandDeps, SlackMessage } from './commands';

export const COORDINATION_USAGE = [
  '`/incident type <id|number> <type>` set the incident type',
  '`/incident role <id|number> <role> <@user|release>` assign, hand over or release a role',
].join('\n');

type IdOf = (ref: string | undefined, deps: CommandDeps) => Promise<string>;

const said = (label: string, text: string): SlackMessage => ({ response_type: 'in_channel', text: `${label} ${text}` });

export async function setTypeBySlack(args: string[], by: string, deps: CommandDeps, idOf: IdOf): Promise<SlackMessage> {
  const [ref, type] = args;
  if (!type) return { response_type: 'ephemeral', text: COORDINATION_USAGE };
  const s = await deps.incidents.command(await idOf(ref, deps), 'type', { by, type });
  return said(`Incident #${s.number ?? '?'}`, `is now of type ${type} (set by ${by}). Severity ${s.severity}.`);
}

export async function roleBySlack(args: string[], by: string, deps: CommandDeps, idOf: IdOf): Promise<SlackMessage> {
  const [ref, roleId, who] = args;
  if (!roleId || !who) return { response_type: 'ephemeral', text: COORDINATION_USAGE };
  const id = await idOf(ref, deps);
  if (who.toLowerCase() === 'release') {
    const s = await deps.incidents.command(id, 'releaseRole', { by, roleId });
    return said(`Incident #${s.number ?? '?'}:`, `role ${roleId} released by ${by}.`);
  }
  // A mention arrives as <@U0123|name>; a bare word is a Vigil user id.
  const mention = /^<@([UW][A-Z0-9]+)(\|[^>]*)?>$/.exec(who)?.[1];
  const user = mention ? await deps.directory.userBySlackId(mention) : undefined;
  if (mention && !user) return { response_type: 'ephemeral', text: `${who} is not mapped to a Vigil user.` };
  const s = await deps.incidents.command(id, 'assignRole', { by, roleId, userId: user?.id ?? who });
  return said(`Incident #${s.number ?? '?'}:`, `${user?.name ?? who} now holds role ${roleId} (by ${by}).`);
}
