import { model, models, Schema, type Model } from 'mongoose';
import type { IncidentListRow } from '../../domain/incident/list-row';

/**
 * `incident_list`: one small row per incident (`_id` = the record id), written by the
 * projector beside the full record. The console loads these rows, never the full records,
 * so its start-up reads kilobytes per hundred incidents rather than whole timelines.
 */
export interface IncidentRowDoc extends Omit<IncidentListRow, 'recordId'> {
  _id: string;
}

const schema = new Schema<IncidentRowDoc>(
  {
    _id: { type: String, required: true },
    incidentId: { type: String, required: true },
    number: Number,
    service: { type: String, required: true },
    severity: { type: String, required: true },
    status: { type: String, required: true },
    summary: { type: String, required: true },
    createdAt: { type: String, required: true },
    alertCount: { type: Number, required: true },
    holderIds: { type: [String], default: [] },
    pagedUserIds: { type: [String], default: [] },
    level: Number,
    loop: Number,
    snoozedUntil: String,
    resolvedAt: String,
    seq: { type: Number, required: true },
  },
  { collection: 'incident_list', versionKey: false },
);

export const IncidentRowModel: Model<IncidentRowDoc> =
  (models.IncidentRow as Model<IncidentRowDoc> | undefined) ?? model<IncidentRowDoc>('IncidentRow', schema);

export const rowFromDoc = ({ _id, ...rest }: IncidentRowDoc): IncidentListRow => ({ recordId: _id, ...rest });
export const docFromRow = ({ recordId, ...rest }: IncidentListRow): IncidentRowDoc => ({ _id: recordId, ...rest });
