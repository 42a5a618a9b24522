/**
 * Reports over the read model (api/reports/): incident figures and on-call health, as JSON
 * or CSV (`Accept: text/csv` or `?format=csv`). The query is checked against the clock of
 * the request (`to` defaults to now), so the table's schema only documents it.
 */
import type { Request } from 'express';
import { z } from 'zod';
import { incidentReportCsv, onCallHealthCsv } from '../../domain/report/csv';
import { INCIDENT_GROUPINGS } from '../../domain/report/incident-report';
import { incidentReportQuerySchema, onCallReportQuerySchema, REPORT_FORMATS } from '../../domain/report/query';
import { HttpError, parseOr400 } from '../errors';
import { defineRoute, type AnyRoute } from '../http/route';
import { IncidentReportSchema, OnCallHealthReportSchema } from '../reports/schemas';

const CSV = 'text/csv; charset=utf-8';
const RANGE = {
  from: 'Start of the range (ISO instant or YYYY-MM-DD = 00:00 UTC); default 30 days before `to`',
  to: 'End of the range, exclusive; default now; at most two years after `from`',
  format: 'json or csv; otherwise the Accept header decides (JSON by default)',
};
const text = z.string().optional();
const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: () => `must be one of: ${values.join(', ')}` }).optional();
const rangeQuery = { from: text, to: text, format: oneOf(REPORT_FORMATS) };
const base = { tag: 'Reports', auth: 'responder' } as const;
const errors = {
  400: 'The parameter at fault, named: from not before to, a range over two years, unknown groupBy, ...',
  406: 'Neither JSON nor CSV is acceptable',
  503: 'The reports are still loading from MongoDB; retry',
};

export const reportRoutes: AnyRoute[] = [
  defineRoute({
    ...base,
    method: 'get',
    path: '/api/v1/reports/incidents',
    operationId: 'getIncidentReport',
    summary: 'Incident figures: count, MTTA, MTTR, MTTD, MTBF, rates, SLA attainment; totals and groups',
    description:
      'Incidents opened in [from, to). Definitions: docs/metrics.md. CSV: one row per group after "(total)".',
    request: {
      query: z.object({
        ...rangeQuery,
        service: text,
        team: text,
        severity: text,
        groupBy: oneOf(INCIDENT_GROUPINGS),
      }),
      describe: { ...RANGE, groupBy: `One of ${INCIDENT_GROUPINGS.join(', ')} (days, weeks, months in UTC)` },
    },
    responses: { 200: answer('The incident report', IncidentReportSchema), ...errors },
    handler: async (_input, services, { reply, req, res }) => {
      const q = parseOr400(incidentReportQuerySchema(Date.now()), req.query, 'query');
      const format = q.format ?? negotiate(req);
      const report = await services.reports.incidents(q);
      res.vary('Accept');
      return format === 'csv' ? reply(200, incidentReportCsv(report), { type: CSV }) : reply(200, report);
    },
  }),
  defineRoute({
    ...base,
    method: 'get',
    path: '/api/v1/reports/oncall',
    operationId: 'getOnCallReport',
    summary: 'On-call health per person and week: pages, off-hours and night pages, time to acknowledge, stretches',
    description:
      "Hours are read in each person's own time zone; rotations (schedule layers) show how evenly load spreads.",
    request: { query: z.object({ ...rangeQuery, team: text }), describe: { ...RANGE, team: 'Only this team' } },
    responses: { 200: answer('The on-call health report', OnCallHealthReportSchema), ...errors },
    handler: async (_input, services, { reply, req, res }) => {
      const q = parseOr400(onCallReportQuerySchema(Date.now()), req.query, 'query');
      const format = q.format ?? negotiate(req);
      const report = await services.reports.oncall(q);
      res.vary('Accept');
      return format === 'csv' ? reply(200, onCallHealthCsv(report), { type: CSV }) : reply(200, report);
    },
  }),
];

function answer(description: string, schema: z.ZodType) {
  return { description, content: { 'application/json': schema, 'text/csv': z.string() } };
}

function negotiate(req: Request): 'json' | 'csv' {
  const type = req.accepts(['application/json', 'text/csv']);
  if (type === false) throw new HttpError(406, 'not_acceptable', 'a report is served as application/json or text/csv');
  return type === 'text/csv' ? 'csv' : 'json';
}
