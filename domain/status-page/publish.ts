/**
 * What one publishing step writes: the record a creation inserts, or the patch and the
 * update a change of status or a resolution adds. Pure, so the activity that writes it and
 * the tests agree on every field.
 */
import type { ComponentStatus } from './page';
import type { PageAction, Publication } from './publication';
import type { PageIncidentRecord, PageUpdateRecord } from './records';

export const WORKFLOW_AUTHOR = 'vigil';
export const RESOLVED_BODY = 'This incident has been resolved.';

const STATUS_WORDS: Readonly<Record<ComponentStatus, string>> = {
  operational: 'operational',
  degraded_performance: 'degraded performance',
  partial_outage: 'a partial outage',
  major_outage: 'a major outage',
  under_maintenance: 'under maintenance',
};

export interface PublishStep {
  pageId: string;
  pageIncidentId: string;
  incidentId: string;
  /** The update's id: the workflow's idempotency key for this step. */
  updateKey: string;
  at: string;
  action: PageAction;
}

function update(
  step: PublishStep,
  status: PageUpdateRecord['status'],
  body: string,
  components?: Record<string, ComponentStatus>,
): PageUpdateRecord {
  return {
    id: step.updateKey,
    status,
    body,
    createdAt: step.at,
    displayAt: step.at,
    by: WORKFLOW_AUTHOR,
    ...(components ? { components } : {}),
  };
}

/** The incident a creation inserts, with its first update. */
export function creation(
  step: PublishStep,
  p: Publication,
): { fields: Omit<PageIncidentRecord, 'updates'>; first: PageUpdateRecord } {
  return {
    fields: {
      id: step.pageIncidentId,
      pageId: step.pageId,
      incidentId: step.incidentId,
      name: p.title,
      status: 'investigating',
      impact: p.impact,
      components: p.components,
      held: p.hold,
      createdAt: step.at,
      updatedAt: step.at,
    },
    first: update(step, 'investigating', p.body, p.components),
  };
}

/** A change of status (impact and components) or a resolution of an existing incident; undefined: nothing to do. */
export function change(existing: PageIncidentRecord, step: PublishStep) {
  if (existing.status === 'resolved') return undefined;
  if (step.action.kind === 'resolve') {
    const operational = Object.fromEntries(Object.keys(existing.components).map((id) => [id, 'operational' as const]));
    return {
      patch: { status: 'resolved' as const, updatedAt: step.at, resolvedAt: step.at },
      update: update(step, 'resolved', RESOLVED_BODY, operational),
    };
  }
  if (step.action.kind !== 'update') return undefined;
  const p = step.action.publication;
  const described = Object.entries(p.components)
    .map(([id, status]) => `${p.names[id] ?? id} shows ${STATUS_WORDS[status]}`)
    .join('; ');
  return {
    patch: { impact: p.impact, components: p.components, updatedAt: step.at },
    update: update(step, existing.status, `We have updated the impact of this incident: ${described}.`, p.components),
  };
}
