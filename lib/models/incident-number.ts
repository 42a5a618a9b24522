import { model, models, Schema, type Model } from 'mongoose';

/**
 * Human-friendly incident numbers without a racy counter (FerretDB's read-modify-write is
 * not atomic): each number is a document whose `_id` is the number, and `incidentKey` is
 * unique too. Taking a number = inserting max+1; a clash on `_id` means someone else took
 * it (try the next), a clash on `incidentKey` means this incident already has one.
 */
export interface IncidentNumberDoc {
  _id: number;
  incidentKey: string;
  createdAt: Date;
}

const schema = new Schema<IncidentNumberDoc>(
  {
    _id: { type: Number, required: true },
    incidentKey: { type: String, required: true, unique: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'incident_numbers', versionKey: false },
);

export const IncidentNumberModel: Model<IncidentNumberDoc> =
  (models.IncidentNumber as Model<IncidentNumberDoc> | undefined) ?? model<IncidentNumberDoc>('IncidentNumber', schema);
