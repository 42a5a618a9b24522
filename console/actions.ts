/**
 * The console's commands: each form posts here, goes through the same workflow update as
 * the API, and answers with a redirect to the incident page (done) or the page itself
 * with the refusal in the API's words and its status (409, 400, 404).
 */
import { Router, type Request, type Response } from 'express';
import { HttpError, knownHttpError, parseOr400 } from '../api/errors';
import type { IncidentCommands } from '../api/incident-gateway';
import { approvalBody, approvalParams } from '../api/routes/runbook-schemas';
import {
  incidentCommandSchema,
  incidentIdParam,
  noteSchema,
  reassignSchema,
  severityChangeSchema,
  snoozeSchema,
} from '../api/schemas';
import { assignRoleSchema, releaseRoleSchema, setTypeSchema } from '../api/routes/coordination';
import { incidentPageParams } from '../api/routes/status-page-commands';
import { PageEditSchema, PageUpdateInputSchema } from '../domain/status-page';
import type { ConsoleDeps } from './deps';
import type { Session } from './session';

type Render = (
  req: Request,
  res: Response,
  id: string,
  notice: { ok: boolean; text: string },
  status: number,
) => Promise<void>;

/** Form fields as the API's JSON bodies: empty fields left out, numbers as numbers, lists as lists. */
function bodyOf(name: string, form: Record<string, unknown>): Record<string, unknown> {
  const filled = Object.fromEntries(Object.entries(form).filter(([k, v]) => k !== '_csrf' && v !== ''));
  if (name === 'snooze' && typeof filled.minutes === 'string') filled.minutes = Number(filled.minutes);
  if (name === 'reassign' && filled.toUserIds !== undefined) filled.toUserIds = [filled.toUserIds].flat();
  return filled;
}

export function actionRoutes(deps: ConsoleDeps, render: Render): Router {
  const router = Router();
  const by = (req: Request) => {
    const user = (req.consoleSession as Session).user;
    return user.actor ?? user.name;
  };
  const run: Run = async (req, res, id, done, act) => {
    try {
      await act();
    } catch (err) {
      const known = knownHttpError(err);
      if (!known || known.status >= 500) throw err;
      await render(req, res, id, { ok: false, text: known.message }, known.status);
      return;
    }
    res.redirect(303, `/incidents/${encodeURIComponent(id)}?done=${done}`);
  };

  const commands: { [K in keyof IncidentCommands]: (body: unknown) => Omit<IncidentCommands[K], 'by'> } = {
    acknowledge: (b) => parseOr400(incidentCommandSchema, b),
    resolve: (b) => parseOr400(incidentCommandSchema, b),
    escalate: (b) => parseOr400(incidentCommandSchema, b),
    reassign: (b) => parseOr400(reassignSchema, b),
    snooze: (b) => parseOr400(snoozeSchema, b),
    severity: (b) => parseOr400(severityChangeSchema, b),
    type: (b) => parseOr400(setTypeSchema, b),
    assignRole: (b) => parseOr400(assignRoleSchema, b),
    releaseRole: (b) => parseOr400(releaseRoleSchema, b),
  };
  for (const name of Object.keys(commands) as Array<keyof IncidentCommands>) {
    router.post(`/incidents/:id/${name}`, async (req, res) => {
      const { id } = parseOr400(incidentIdParam, req.params, 'path');
      await run(req, res, id, name, async () => {
        const cmd = { ...commands[name](bodyOf(name, req.body ?? {})), by: by(req) };
        await deps.incidents.command(id, name, cmd as IncidentCommands[typeof name]);
      });
    });
  }
  router.post('/incidents/:id/notes', async (req, res) => {
    const { id } = parseOr400(incidentIdParam, req.params, 'path');
    await run(req, res, id, 'notes', () =>
      deps.incidents.note(id, { ...parseOr400(noteSchema, bodyOf('notes', req.body ?? {})), by: by(req) }),
    );
  });
  router.post('/incidents/:id/runbooks/:runId/approvals/:step', async (req, res) => {
    const p = parseOr400(approvalParams, req.params, 'path');
    const decision = req.body?.decision === 'deny' ? 'deny' : 'approve';
    await run(req, res, p.id, decision, async () => {
      const body = parseOr400(approvalBody, bodyOf('approval', req.body ?? {}));
      if (!deps.runbooks) throw new HttpError(404, 'not_found', 'runbooks are not enabled on this server');
      const comment = body.comment ? { comment: body.comment } : {};
      await deps.runbooks.decide(p.id, p.runId, { step: p.step, decision: body.decision, by: by(req), ...comment });
    });
  });
  statusPageActions(router, deps, run, by);
  return router;
}

type Run = (req: Request, res: Response, id: string, done: string, act: () => Promise<unknown>) => Promise<void>;

/** A responder's status-page commands (api/status-page/commands.ts), as the API's routes give them. */
function statusPageActions(router: Router, deps: ConsoleDeps, run: Run, by: (req: Request) => string): void {
  const commands = () => {
    if (!deps.statusPages) throw new HttpError(404, 'not_found', 'status pages are not enabled on this server');
    return deps.statusPages;
  };
  router.post('/incidents/:id/status-page/:pageId/updates', async (req, res) => {
    const p = parseOr400(incidentPageParams, req.params, 'path');
    await run(req, res, p.id, 'status-page-update', async () => {
      const body = parseOr400(PageUpdateInputSchema, bodyOf('status-page', req.body ?? {}));
      await commands().post(p.id, p.pageId, body, by(req));
    });
  });
  router.post('/incidents/:id/status-page/:pageId/hold', async (req, res) => {
    const p = parseOr400(incidentPageParams, req.params, 'path');
    const held = req.body?.held !== 'false';
    await run(req, res, p.id, held ? 'status-page-hold' : 'status-page-release', () =>
      commands().hold(p.id, p.pageId, held, by(req)),
    );
  });
  router.post('/incidents/:id/status-page/:pageId/edit', async (req, res) => {
    const p = parseOr400(incidentPageParams, req.params, 'path');
    await run(req, res, p.id, 'status-page-edit', async () => {
      const body = parseOr400(PageEditSchema, bodyOf('status-page', req.body ?? {}));
      await commands().edit(p.id, p.pageId, body, by(req));
    });
  });
}
