/**
 * The console's Reports page and its CSV, over the same reports as the API
 * (api/reports/); parameters are checked by the same schema, and a bad one is shown on the
 * page with the parameter named.
 */
import { Router, type Request } from 'express';
import type { Reports } from '../api/reports/service';
import { incidentReportCsv } from '../domain/report/csv';
import { DAY_MS } from '../domain/common/wall-clock';
import { incidentReportQuerySchema } from '../domain/report/query';
import { sendPage } from './render';
import type { Session } from './session';
import { ReportsPage, type ReportForm } from './views/reports';

const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** The form as given; empty fields are left out of the query (their defaults apply). */
function formOf(q: Request['query'], now: number): ReportForm {
  return {
    from: text(q.from) || date(now - 28 * DAY_MS),
    to: text(q.to) || date(now + DAY_MS),
    groupBy: text(q.groupBy) || 'day',
    service: text(q.service),
    team: text(q.team),
    severity: text(q.severity),
  };
}

const queryOf = (f: ReportForm) =>
  new URLSearchParams(Object.entries(f).filter(([, v]) => v !== '') as Array<[string, string]>);

export function reportPageRoutes(deps: { reports: Reports; now: () => number }): Router {
  const router = Router();
  const run = async (req: Request) => {
    const now = deps.now();
    const form = formOf(req.query, now);
    const parsed = incidentReportQuerySchema(now).safeParse(Object.fromEntries(queryOf(form)));
    if (!parsed.success) {
      const error = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      return { form, error };
    }
    return { form, report: await deps.reports.incidents(parsed.data) };
  };
  router.get('/reports', async (req, res) => {
    const { form, report, error } = await run(req);
    const s = req.consoleSession as Session;
    const page = ReportsPage({
      title: 'Reports',
      user: s.user,
      csrf: s.csrf,
      nav: 'reports',
      form,
      ...(report ? { report } : {}),
      ...(error ? { error } : {}),
      csv: `/reports/incidents.csv?${queryOf(form).toString()}`,
    });
    sendPage(res, page, error ? 400 : 200);
  });
  router.get('/reports/incidents.csv', async (req, res) => {
    const { report, error } = await run(req);
    if (!report) return res.status(400).type('text/plain').send(error);
    res.set('content-disposition', 'attachment; filename="incidents.csv"');
    res.type('text/csv; charset=utf-8').send(incidentReportCsv(report));
  });
  return router;
}
