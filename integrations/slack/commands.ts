/**
 * `/incident` slash command and button actions: parsing, and running them through the
 * same incident gateway (workflow updates) as the REST API. Every answer is a Slack
 * message body for response_url (ephemeral unless stated).
 */
import { randomUUID } from 'node:crypto';
import { isResolutionClassification, type ResolveCommand } from '../../domain/incident/classification';
import { SeverityInputSchema } from '../../domain/incident/severity';
import { HttpError } from '../../api/errors';
import { INCIDENT_ID_PATTERN } from '../../api/incident-id';
import type { IncidentCommands, IncidentGateway } from '../../api/incident-gateway';
import { parseApprovalValue, SLACK_ACTIONS } from './actions';
import type { RunbookGateway } from '../../api/runbook-gateway';
import type { SlackDirectory } from './directory';
import { COORDINATION_USAGE, roleBySlack, setTypeBySlack } from './coordination-commands';
import type { StatusPageCommands } from '../../api/status-page/commands';
import { STATUS_PAGE_USAGE, statusPageBySlack, wantsStatusPageUpdate } from './status-page-command';

export interface SlackMessage {
  response_type: 'ephemeral' | 'in_channel';
  text: string;
  replace_original?: boolean;
}

export const USAGE = [
  '`/incident declare <sev> [service] <summary>` open an incident',
  '`/incident ack <id|number>` acknowledge',
  '`/incident resolve <id|number> [actionable|false_positive|noise] [note]` resolve, optionally classified',
  '`/incident status <id|number>` show status',
  '`/incident oncall <service>` who is on call',
  'Inside an incident channel, ack, resolve and status need no id.',
  COORDINATION_USAGE,
  STATUS_PAGE_USAGE,
].join('\n');

export const ACTION_COMMANDS: Readonly<
  Record<string, keyof Pick<IncidentCommands, 'acknowledge' | 'resolve' | 'escalate'>>
> = {
  [SLACK_ACTIONS.ack]: 'acknowledge',
  [SLACK_ACTIONS.resolve]: 'resolve',
  [SLACK_ACTIONS.escalate]: 'escalate',
};
const APPROVAL_ACTIONS: Readonly<Record<string, 'approve' | 'deny'>> = {
  [SLACK_ACTIONS.approve]: 'approve',
  [SLACK_ACTIONS.deny]: 'deny',
};

export interface CommandDeps {
  incidents: IncidentGateway;
  directory: SlackDirectory;
  /** Service for `declare` when the text names none. */
  declareService?: string;
  /** Approve / Deny of runbook steps; absent (runbooks not mounted): those buttons are refused. */
  runbooks?: Pick<RunbookGateway, 'decide'>;
  /** `/incident status <id> <status> <message>` posts on the incident's status pages. */
  statusPages?: Pick<StatusPageCommands, 'list' | 'post'>;
  now?: () => number;
}

const ephemeral = (text: string): SlackMessage => ({ response_type: 'ephemeral', text });

/** Runs `/incident <text>` for a mapped Vigil user; refusals become messages, not throws. */
export async function runSlashCommand(
  text: string,
  by: string,
  deps: CommandDeps,
  channelId?: string,
): Promise<SlackMessage> {
  const [verb = '', ...words] = text.trim().split(/\s+/).filter(Boolean);
  try {
    const rest = await withChannelIncident(verb, words, channelId, deps);
    switch (verb.toLowerCase()) {
      case 'declare':
        return await declare(rest, by, deps);
      case 'ack':
      case 'acknowledge':
        return await command(rest[0], 'acknowledge', { by }, deps);
      case 'resolve':
        return await command(rest[0], 'resolve', resolveCommand(rest.slice(1), by), deps);
      case 'status':
        if (wantsStatusPageUpdate(rest)) return await statusPageBySlack(rest, by, deps, incidentIdOf);
        return await status(rest[0], deps);
      case 'oncall':
        return await oncall(rest[0], deps);
      case 'type':
        return await setTypeBySlack(rest, by, deps, incidentIdOf);
      case 'role':
        return await roleBySlack(rest, by, deps, incidentIdOf);
      default:
        return ephemeral(`${verb ? `Unknown command "${verb}".` : 'Usage:'}\n${USAGE}`);
    }
  } catch (err) {
    return ephemeral(explain(err));
  }
}

/** `[classification] [note...]`: a first word naming a classification classifies the resolve. */
function resolveCommand(words: string[], by: string): ResolveCommand {
  const [first = '', ...others] = words;
  const classification = first.toLowerCase().replace(/-/g, '_');
  if (isResolutionClassification(classification)) {
    const note = others.join(' ');
    return { by, classification, ...(note ? { note } : {}) };
  }
  const note = words.join(' ');
  return { by, ...(note ? { note } : {}) };
}

/**
 * A button press: the same updates as POST /incidents/:id/{acknowledge,resolve,escalate},
 * or for Approve / Deny the runbook approval route's. An approval answer replaces the
 * message it was pressed on, so its buttons cannot be pressed twice.
 */
export async function runAction(actionId: string, value: string, by: string, deps: CommandDeps): Promise<SlackMessage> {
  const decision = APPROVAL_ACTIONS[actionId];
  if (decision) return decide(value, decision, by, deps);
  const name = ACTION_COMMANDS[actionId];
  if (!name) return ephemeral(`Unknown action "${actionId}".`);
  try {
    return await command(value, name, { by }, deps);
  } catch (err) {
    return ephemeral(explain(err));
  }
}

async function decide(
  value: string,
  decision: 'approve' | 'deny',
  by: string,
  deps: CommandDeps,
): Promise<SlackMessage> {
  const ref = parseApprovalValue(value);
  if (!ref || !INCIDENT_ID_PATTERN.test(ref.incidentId))
    return ephemeral('This approval button is malformed; approve through the API instead.');
  if (!deps.runbooks) return ephemeral('Runbooks are not enabled on this Vigil API.');
  try {
    await deps.runbooks.decide(ref.incidentId, ref.runId, { step: ref.step, decision, by });
    const past = decision === 'approve' ? 'approved' : 'denied';
    return {
      response_type: 'in_channel',
      replace_original: true,
      text: `Runbook run ${ref.runId}: step ${ref.step} ${past} by ${by}.`,
    };
  } catch (err) {
    return ephemeral(explain(err));
  }
}

const NAMES_AN_INCIDENT = new Set(['ack', 'acknowledge', 'resolve', 'status']);

/**
 * Inside an incident channel the incident is the channel's: a command that names none
 * (its first word is not an id or number) gets the channel's incident put first.
 */
async function withChannelIncident(
  verb: string,
  words: string[],
  channelId: string | undefined,
  deps: CommandDeps,
): Promise<string[]> {
  if (!channelId || !deps.directory.incidentIdByChannel || !NAMES_AN_INCIDENT.has(verb.toLowerCase())) return words;
  const first = words[0];
  if (first && (INCIDENT_ID_PATTERN.test(first) || /^#?\d{1,12}$/.test(first))) return words;
  const id = await deps.directory.incidentIdByChannel(channelId);
  return id ? [id, ...words] : words;
}

async function incidentIdOf(ref: string | undefined, deps: CommandDeps): Promise<string> {
  if (!ref) throw new UserError(`Which incident? Give its id or number.\n${USAGE}`);
  if (INCIDENT_ID_PATTERN.test(ref)) return ref;
  const number = /^#?(\d{1,12})$/.exec(ref)?.[1];
  if (!number) throw new UserError(`"${ref}" is neither an incident id nor an incident number.`);
  const id = await deps.directory.incidentIdByNumber(Number(number));
  if (!id) throw new UserError(`No incident #${number}.`);
  return id;
}

const PAST = { acknowledge: 'acknowledged', resolve: 'resolved', escalate: 'escalated' } as const;

async function command(
  ref: string | undefined,
  name: 'acknowledge' | 'resolve' | 'escalate',
  cmd: IncidentCommands['acknowledge'],
  deps: CommandDeps,
): Promise<SlackMessage> {
  const id = await incidentIdOf(ref, deps);
  const state = await deps.incidents.command(id, name, cmd);
  const label = state.number === undefined ? id : `#${state.number}`;
  return {
    response_type: 'in_channel',
    text: `Incident ${label} (${state.service}: ${state.summary}) ${PAST[name]} by ${cmd.by}. Status: ${state.status}.`,
  };
}

async function status(ref: string | undefined, deps: CommandDeps): Promise<SlackMessage> {
  const id = await incidentIdOf(ref, deps);
  const s = await deps.incidents.state(id);
  const lines = [
    `*Incident ${s.number === undefined ? id : `#${s.number}`}* [${s.severity}] ${s.service}: ${s.summary}`,
    `Status: ${s.status}${s.acknowledgedBy ? ` (acknowledged by ${s.acknowledgedBy})` : ''}${s.resolvedBy ? ` (resolved by ${s.resolvedBy})` : ''}`,
    `Opened: ${s.createdAt}, alerts: ${s.alertCount}`,
    `Id: ${id}`,
  ];
  return ephemeral(lines.join('\n'));
}

async function oncall(serviceId: string | undefined, deps: CommandDeps): Promise<SlackMessage> {
  if (!serviceId) throw new UserError('Which service? `/incident oncall <service>`');
  const at = new Date((deps.now ?? Date.now)()).toISOString();
  const result = await deps.directory.onCall(serviceId, at);
  if (!result) throw new UserError(`No service "${serviceId}" (or it has no escalation policy).`);
  const levels = result.levels.map((l) => `Level ${l.level}: ${l.names.length > 0 ? l.names.join(', ') : 'nobody'}`);
  return ephemeral(
    [`*On call for ${serviceId}*${result.inMaintenance ? ' (in maintenance)' : ''}`, ...levels].join('\n'),
  );
}

async function declare(args: string[], by: string, deps: CommandDeps): Promise<SlackMessage> {
  const [sevText, ...words] = args;
  const severity = SeverityInputSchema.safeParse(sevText ?? '');
  if (!sevText || !severity.success)
    throw new UserError(`Give a severity first, e.g. \`/incident declare SEV2 checkout Payments failing\`.\n${USAGE}`);
  let service = deps.declareService;
  if (words[0] && words.length > 1 && (await deps.directory.serviceExists(words[0]))) service = words.shift();
  if (!service)
    throw new UserError(
      'Name the service: `/incident declare <sev> <service> <summary>` (no default service is configured).',
    );
  const summary = words.join(' ').slice(0, 1024);
  if (!summary) throw new UserError('Give a summary of what is wrong.');
  const { incidentId } = await deps.incidents.ingest({
    source: 'slack',
    dedupKey: `slack-${randomUUID()}`,
    service,
    summary,
    severity: severity.data,
    details: { declaredBy: by },
    receivedAt: new Date((deps.now ?? Date.now)()).toISOString(),
  });
  return {
    response_type: 'in_channel',
    text: `Incident declared by ${by} on ${service} [${severity.data}]: ${summary}\nId: ${incidentId}`,
  };
}

class UserError extends Error {}

function explain(err: unknown): string {
  if (err instanceof UserError) return err.message;
  if (err instanceof HttpError) {
    if (err.status === 409) return `Refused: ${err.message}`;
    if (err.status === 404) return `Not found: ${err.message}`;
    if (err.status === 503) return 'Vigil cannot reach its workflow service right now; try again shortly.';
    return err.message;
  }
  return 'Something went wrong; the error is in the Vigil API log.';
}
