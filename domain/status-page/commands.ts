/**
 * What responders do to a page's incident by hand: hold it back (kept out of every read
 * format, or withdrawn if it was shown) and release it, edit its title or the text of its
 * latest update, and post an update of their own (a status, a message, and optionally the
 * status of some of the page's components). Pure: the API's command service writes what
 * these functions return, and refuses what they refuse.
 */
import { z } from 'zod';
import { IdSchema } from '../common/fields';
import { ComponentStatusSchema, PageIncidentStatusSchema, type ComponentStatus, type StatusPage } from './page';
import type { PageIncidentRecord, PageUpdateRecord } from './records';

const MessageSchema = z.string().trim().min(1, 'must not be empty').max(5000);

export const PageUpdateInputSchema = z.object({
  status: PageIncidentStatusSchema,
  message: MessageSchema,
  /** Component id -> the status it shows from now on (components of the page). */
  components: z.record(IdSchema, ComponentStatusSchema).optional(),
});
export type PageUpdateInput = z.infer<typeof PageUpdateInputSchema>;

export const PageEditSchema = z
  .object({
    title: z.string().trim().min(1, 'must not be empty').max(200).optional(),
    /** Replaces the text of the latest update. */
    message: MessageSchema.optional(),
  })
  .refine((b) => b.title !== undefined || b.message !== undefined, {
    message: 'give a title or a message to change',
    path: ['title'],
  });
export type PageEdit = z.infer<typeof PageEditSchema>;

export const PageHoldSchema = z.object({
  /** true: hold back (not shown, or withdrawn); false: release (shown again). */
  held: z.boolean({ error: () => 'must be true (hold back) or false (release)' }),
});

/** A refusal: 409 when the incident's state forbids it, 422 when the input names what does not exist. */
export interface Refusal {
  status: 409 | 422;
  message: string;
}

/** Why an update may not be posted, or undefined. */
export function refusePageUpdate(
  page: Pick<StatusPage, 'id' | 'components'>,
  record: Pick<PageIncidentRecord, 'status'>,
  input: PageUpdateInput,
): Refusal | undefined {
  if (record.status === 'resolved')
    return { status: 409, message: `the incident on status page "${page.id}" is resolved: no more updates` };
  const known = new Set(page.components.map((c) => c.id));
  const unknown = Object.keys(input.components ?? {}).find((id) => !known.has(id));
  if (unknown !== undefined)
    return { status: 422, message: `components.${unknown}: unknown component "${unknown}" on page "${page.id}"` };
  return undefined;
}

/** The patch and the update record of a responder's update. */
export function responderUpdate(
  record: PageIncidentRecord,
  input: PageUpdateInput,
  meta: { id: string; at: string; by: string },
): { patch: Partial<PageIncidentRecord>; update: PageUpdateRecord } {
  const resolved = input.status === 'resolved';
  const operational = resolved
    ? Object.fromEntries(Object.keys(record.components).map((id) => [id, 'operational' as ComponentStatus]))
    : {};
  const changed = { ...operational, ...input.components };
  const update: PageUpdateRecord = {
    id: meta.id,
    status: input.status,
    body: input.message,
    createdAt: meta.at,
    displayAt: meta.at,
    by: meta.by,
    ...(Object.keys(changed).length > 0 ? { components: changed } : {}),
  };
  const patch = {
    status: input.status,
    updatedAt: meta.at,
    ...(input.components && !resolved ? { components: { ...record.components, ...input.components } } : {}),
    ...(input.status === 'monitoring' && !record.monitoringAt ? { monitoringAt: meta.at } : {}),
    ...(resolved ? { resolvedAt: meta.at } : {}),
  };
  return { patch, update };
}

/** The timeline's words for a command on a page's incident. */
export function describeCommand(
  pageName: string,
  cmd: { kind: 'hold'; held: boolean } | { kind: 'edit'; edit: PageEdit } | { kind: 'update'; input: PageUpdateInput },
): string {
  const on = `status page "${pageName}"`;
  if (cmd.kind === 'hold')
    return cmd.held ? `Held back the incident on ${on}: not shown until released` : `Released the incident on ${on}`;
  if (cmd.kind === 'edit') {
    const what = [cmd.edit.title ? `title "${cmd.edit.title}"` : '', cmd.edit.message ? 'the latest message' : '']
      .filter(Boolean)
      .join(' and ');
    return `Edited the incident on ${on}: ${what}`;
  }
  return `Posted on ${on} (${cmd.input.status}): ${cmd.input.message}`;
}
