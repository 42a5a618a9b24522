import { model, models, Schema, type Model } from 'mongoose';
import type { IncidentState } from '../../domain/incident/incident';

/**
 * The read model of one incident, written only by its own workflow (one writer per
 * document) through upsertIncidentRecord. `_id` is incidentId + runKey: an id reused after
 * resolution is a new incident and a new document.
 */
export interface IncidentRecord extends Omit<IncidentState, 'timeline'> {
  _id: string;
  timeline: IncidentState['timeline'];
  updatedAt: Date;
}

const timelineEvent = new Schema(
  {
    at: { type: String, required: true },
    type: { type: String, required: true },
    message: { type: String, required: true },
    by: String,
    data: Schema.Types.Mixed,
  },
  { _id: false },
);

const incidentRecordSchema = new Schema<IncidentRecord>(
  {
    _id: { type: String, required: true },
    incidentId: { type: String, required: true, index: true },
    runKey: { type: String, required: true },
    service: { type: String, required: true, index: true },
    dedupKey: { type: String, required: true },
    summary: { type: String, required: true },
    severity: { type: String, required: true },
    status: { type: String, required: true, index: true },
    alertCount: { type: Number, required: true },
    createdAt: { type: String, required: true },
    lastAlertAt: { type: String, required: true },
    acknowledgedAt: String,
    acknowledgedBy: String,
    resolvedAt: String,
    resolvedBy: String,
    details: { type: Schema.Types.Mixed, default: {} },
    timeline: { type: [timelineEvent], default: [] },
    timelineDropped: { type: Number, default: 0 },
    seq: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
    // The rest of IncidentState: without a path, mongoose's strict mode would drop them.
    number: Number,
    firstAcknowledgedAt: String,
    escalation: Schema.Types.Mixed,
    snoozedUntil: String,
    slaBreaches: Schema.Types.Mixed,
    assignedUserIds: { type: [String], default: undefined },
    policyId: String,
    inMaintenance: Boolean,
    sourceAlerts: Schema.Types.Mixed,
    alertStartedAt: String,
    classification: String,
  },
  { collection: 'incidents', versionKey: false, minimize: false },
);

export const IncidentRecordModel: Model<IncidentRecord> =
  (models.IncidentRecord as Model<IncidentRecord> | undefined) ??
  model<IncidentRecord>('IncidentRecord', incidentRecordSchema);

export function incidentRecordId(state: Pick<IncidentState, 'incidentId' | 'runKey'>): string {
  return `${state.incidentId}:${state.runKey}`;
}
