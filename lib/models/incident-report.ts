import { model, models, Schema, type Model } from 'mongoose';
import type { Severity } from '../../domain/incident/severity';
import type { IncidentReportFields } from '../../domain/report/from-incident';

/**
 * `incident_reports`: what reports need of one incident (`_id` = the record id), written by
 * the projector beside the record and list row (domain/report/from-incident.ts says how
 * each field is read off the state). Small on purpose: the API holds every one in memory
 * (api/reports/), because FerretDB's SQLite backend scans a collection for any filter
 * but `_id` equality.
 */
/** Ended runbook runs, kept so the worker counts each run once (activities/incident-meter.ts). */
export interface RunbookRunCounts {
  succeeded: number;
  failed: number;
}

export interface IncidentReportDoc {
  _id: string;
  incidentId: string;
  service: string;
  severity: Severity;
  seq: number;
  report: IncidentReportFields;
  runbookRuns?: RunbookRunCounts;
}

const schema = new Schema<IncidentReportDoc>(
  {
    _id: { type: String, required: true },
    incidentId: { type: String, required: true },
    service: { type: String, required: true },
    severity: { type: String, required: true },
    seq: { type: Number, required: true },
    report: { type: Schema.Types.Mixed, required: true },
    runbookRuns: Schema.Types.Mixed,
  },
  { collection: 'incident_reports', versionKey: false, minimize: false },
);

export const IncidentReportModel: Model<IncidentReportDoc> =
  (models.IncidentReport as Model<IncidentReportDoc> | undefined) ?? model<IncidentReportDoc>('IncidentReport', schema);
