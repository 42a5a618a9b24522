/**
 * How routes audit: a route declares what it audits (`audited(log, spec, ...guards)` in front
 * of its handler) instead of writing entries by hand. The declaration records exactly one
 * entry per request that got as far as a known principal, accepted or refused, written
 * before the answer leaves (so a client that saw the answer finds the entry). Requests
 * without a valid token are not audited (they name nobody; the request log has them).
 */
import type { Request, RequestHandler, Response } from 'express';
import { documentHash, type AuditLog, type AuditRecord } from '../lib/audit';
import type { IncidentGateway } from './incident-gateway';
import type { RunbookGateway } from './runbook-gateway';
import { HttpError } from './errors';

type Params = Record<string, string>;

export interface AuditSpec {
  /** e.g. `service.replace`, `incident.acknowledge`. */
  action: string;
  /** What the request acts on, from its path parameters: `service:checkout`. */
  target: (params: Params) => string;
  /** Configuration routes: the document(s) the route writes, read before and after and hashed. */
  document?: (params: Params) => Promise<unknown>;
  /** A create names its id in the body, not the path: read as the `id` parameter once the body is parsed. */
  idFromBody?: boolean;
}

/** What a handler adds once it knows more than its path said (a callback that finds its user and incident). */
export interface AuditNote {
  action?: string;
  target?: string;
  /** Refused although the answer is a 2xx (TwiML, Slack, HTML pages answer refusals with 200). */
  refused?: string;
}

const NOTE = Symbol('auditNote');
type Locals = Record<typeof NOTE, AuditNote | undefined>;

export function noteAudit(res: Response, note: AuditNote): void {
  const locals = res.locals as unknown as Locals;
  locals[NOTE] = { ...locals[NOTE], ...note };
}

/**
 * The middleware chain of an audited route: the recorder, the guards (authentication, the
 * route's own checks, its body parser), then the "before" read.
 */
export function audited(log: AuditLog, spec: AuditSpec, ...guards: RequestHandler[]): RequestHandler[] {
  /** `passed`: the guards let the request through, so the document is read before and after. */
  const states = new WeakMap<Request, { before?: string; passed: boolean; params: Params }>();
  const open: RequestHandler = (req, res, next) => {
    const params = { ...(req.params as Params) };
    const pattern = `${req.baseUrl}${(req.route as { path?: string } | undefined)?.path ?? req.path}`;
    const route = `${req.method} ${pattern.length > 1 ? pattern.replace(/\/$/, '') : pattern}`;
    states.set(req, { params, passed: false });
    const end = res.end;
    let recorded = false;
    res.end = function (this: Response, ...args: unknown[]) {
      if (recorded) return (end as (...a: unknown[]) => Response).apply(this, args);
      recorded = true;
      const record = async () => {
        if (!req.principal) return;
        const state = states.get(req);
        const after = spec.document && state?.passed ? await hashOf(spec.document(params)) : undefined;
        await log.append(entryFor(req, res, spec, { route, params, before: state?.before, after, body: args[0] }));
      };
      void record()
        .catch((err: unknown) => req.log?.error({ err, action: spec.action }, 'audit entry not written'))
        .finally(() => (end as (...a: unknown[]) => Response).apply(this, args));
      return this;
    } as Response['end'];
    next();
  };
  const before: RequestHandler = async (req, _res, next) => {
    const state = states.get(req);
    if (state) state.passed = true;
    const id = spec.idFromBody ? (req.body as { id?: unknown } | null | undefined)?.id : undefined;
    if (state && typeof id === 'string') state.params.id = id.slice(0, 63);
    if (spec.document && state) state.before = await hashOf(spec.document(state.params));
    next();
  };
  return [open, ...guards, before];
}

async function hashOf(doc: Promise<unknown>): Promise<string | undefined> {
  try {
    return documentHash(await doc);
  } catch {
    return undefined; // unreadable (store down): the entry says nothing rather than something wrong
  }
}

function entryFor(
  req: Request,
  res: Response,
  spec: AuditSpec,
  r: { route: string; params: Params; before?: string; after?: string; body: unknown },
): AuditRecord {
  const note = (res.locals as unknown as Locals)[NOTE] ?? {};
  const status = res.statusCode;
  const refused = note.refused ?? (status >= 400 ? (errorMessage(r.body) ?? `answered ${status}`) : undefined);
  return {
    actor: req.principal?.actor ?? 'unknown',
    action: note.action ?? spec.action,
    route: r.route,
    target: note.target ?? safeTarget(spec, r.params),
    outcome: refused === undefined ? 'accepted' : 'refused',
    status,
    ...(refused === undefined ? {} : { reason: refused }),
    ...(r.before ? { before: r.before } : {}),
    ...(r.after ? { after: r.after } : {}),
    ...(typeof req.id === 'string' ? { requestId: req.id } : {}),
  };
}

function safeTarget(spec: AuditSpec, params: Params): string {
  try {
    return spec.target(params);
  } catch {
    return '(unknown)';
  }
}

/** The message of the API's JSON error body, if this is one. */
function errorMessage(body: unknown): string | undefined {
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : undefined;
  if (!text?.startsWith('{')) return undefined;
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}

/**
 * For integrations that act later than their request (Slack answers at once and runs the
 * command after): the incident and runbook gateways they use record one entry per command,
 * with the `by` of the command as the actor.
 */
export function auditedGateways<I extends IncidentGateway, R extends Pick<RunbookGateway, 'decide'> | undefined>(
  log: AuditLog,
  route: string,
  gateways: { incidents: I; runbooks?: R },
): { incidents: IncidentGateway; runbooks?: Pick<RunbookGateway, 'decide'> } {
  const { incidents, runbooks } = gateways;
  const recorded = async <T>(base: Omit<AuditRecord, 'outcome' | 'route'>, run: () => Promise<T>): Promise<T> => {
    try {
      const result = await run();
      await log.append({ ...base, route, outcome: 'accepted' });
      return result;
    } catch (err) {
      const reason = err instanceof HttpError ? err.message : 'failed: internal error';
      await log.append({ ...base, route, outcome: 'refused', reason }).catch(() => undefined);
      throw err;
    }
  };
  return {
    incidents: {
      state: (id) => incidents.state(id),
      sourceResolved: (...args) => incidents.sourceResolved(...args),
      command: (id, name, cmd) =>
        recorded({ actor: cmd.by, action: `incident.${name}`, target: `incident:${id}` }, () =>
          incidents.command(id, name, cmd),
        ),
      note: (id, note) =>
        recorded({ actor: note.by, action: 'incident.note', target: `incident:${id}` }, () => incidents.note(id, note)),
      ingest: (alert) => {
        const by = typeof alert.details?.declaredBy === 'string' ? alert.details.declaredBy : undefined;
        if (!by) return incidents.ingest(alert);
        return recorded({ actor: by, action: 'incident.declare', target: `service:${alert.service}` }, () =>
          incidents.ingest(alert),
        );
      },
    },
    ...(runbooks
      ? {
          runbooks: {
            decide: (id, runId, decision) =>
              recorded(
                {
                  actor: decision.by,
                  action: 'runbook.approval',
                  target: `incident:${id}/run:${runId}/${decision.step}`,
                },
                () => runbooks.decide(id, runId, decision),
              ),
          },
        }
      : {}),
  };
}
