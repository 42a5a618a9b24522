import { z } from 'zod';
import { CONFIG_KINDS, type ConfigKind } from '../../lib/models/config';
import type { ApplyReport } from '../../lib/config-as-code';
import { defineRoute, ok } from '../http/route';
import { E503_STORE } from './errors-doc';

const flag = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();
export const applyQuery = z.object({ dryRun: flag, adopt: flag });

const IssueSchema = z.object({
  file: z.string().optional(),
  line: z.int().optional(),
  column: z.int().optional(),
  path: z.string(),
  message: z.string(),
});
const KindChangesSchema = z.object({
  created: z.array(z.string()),
  updated: z.array(z.string()),
  deleted: z.array(z.string()),
  unchanged: z.int(),
});
const kinds = Object.keys(CONFIG_KINDS) as ConfigKind[];
export const ApplyReportSchema = z.object({
  ok: z.boolean(),
  dryRun: z.boolean(),
  errors: z.array(IssueSchema),
  warnings: z.array(IssueSchema),
  changes: z.object(
    Object.fromEntries(kinds.map((k) => [k, KindChangesSchema])) as Record<ConfigKind, typeof KindChangesSchema>,
  ),
});
type Holds<T extends true> = T;
/** Fails to compile when the report and its schema drift apart. */
export type _ReportMatches = Holds<ApplyReport extends z.infer<typeof ApplyReportSchema> ? true : false>;
export type _ReportKeys = Holds<[keyof ApplyReport] extends [keyof z.infer<typeof ApplyReportSchema>] ? true : false>;

/**
 * `POST /config/apply`: reconcile the on-call-as-code folder now. 200 with the report when
 * it applied (or would, with dryRun); 422 with every error, file:line:column, when the
 * folder is refused (and nothing was written).
 */
export const configApplyRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/v1/config/apply',
    operationId: 'applyConfigFolder',
    tag: 'Configuration',
    auth: 'admin',
    summary: 'Reconcile the config folder now',
    request: {
      query: applyQuery,
      describe: { dryRun: 'Report without writing', adopt: 'Let the folder take over ids created through the API' },
    },
    responses: {
      200: ok('Applied (or would be, with dryRun): the report', ApplyReportSchema),
      400: 'The fields at fault, each named',
      422: ok('Refused with every error (file:line:column); nothing written', ApplyReportSchema),
      503: E503_STORE,
    },
    handler: async ({ query }, { applyConfigFolder }, { reply }) => {
      const report = await applyConfigFolder({ dryRun: query.dryRun ?? false, adoptApiEntities: query.adopt ?? false });
      return report.ok ? reply(200, report) : reply(422, report);
    },
  }),
];
