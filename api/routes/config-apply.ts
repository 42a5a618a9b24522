import { z } from 'zod';
import { CONFIG_KINDS, type ConfigKind } from '../../lib/models/config';
import { formatIssue, type ApplyReport } from '../../lib/config-as-code';
import { noteAudit } from '../audit';
import type { ConfigStore } from '../config-store';
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

/** Every entity's spec, by kind: the document the apply is audited with (api/main.ts hashes the same at start-up). */
const everything = async (config: ConfigStore) =>
  Promise.all(kinds.map(async (k) => (await config.list(k)).map((e) => e.data)));

/**
 * `POST /config/apply`: reconcile the on-call-as-code folder now. 200 with the report when
 * it applied (or would, with dryRun); 422 with every error, file:line:column, when the
 * folder is refused (and nothing was written). Audited with the hash of the whole
 * configuration before and after.
 */
export const configApplyRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/v1/config/apply',
    operationId: 'applyConfigFolder',
    tag: 'Configuration',
    auth: 'admin',
    summary: 'Reconcile the config folder now',
    // The hash of the whole configuration before and after (the start-up apply hashes the same).
    audit: ({ config }) => ({
      action: 'config.apply',
      target: () => 'config:folder',
      document: () => everything(config),
    }),
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
    handler: async ({ query }, { applyConfigFolder }, { reply, res }) => {
      const report = await applyConfigFolder({ dryRun: query.dryRun ?? false, adoptApiEntities: query.adopt ?? false });
      const first = report.errors[0];
      noteAudit(res, {
        ...(report.dryRun ? { action: 'config.apply-dry-run' } : {}),
        ...(first ? { refused: `${report.errors.length} error(s), first: ${formatIssue(first)}` } : {}),
      });
      return report.ok ? reply(200, report) : reply(422, report);
    },
  }),
];
