/**
 * What the Twilio callbacks look up: the Vigil user behind a phone number, the open
 * incidents a user was paged about by SMS (from the incident read model's `notified`
 * timeline entries), and a one-time claim per callback so a replayed request acts at most
 * once (unique `_id` insert as the guard: portable, no read-modify-write). The default
 * reads MongoDB; tests may pass their own.
 */
import { model, models, Schema, type Model } from 'mongoose';
import { loadConfigSnapshot } from '../../lib/models/config';
import { IncidentRecordModel } from '../../lib/models/incident-record';
import { IncidentNumberModel } from '../../lib/models/incident-number';
import { isDuplicateKey } from '../../lib/mongo';

export interface SmsPage {
  incidentId: string;
  number?: number;
  /** When the page was recorded on the timeline. */
  at: string;
}

export interface TwilioDirectory {
  userByPhone(type: 'sms' | 'voice', phone: string): Promise<{ id: string; name: string } | undefined>;
  /** Open incidents this user was paged about by SMS, newest page first. */
  smsPages(userId: string): Promise<SmsPage[]>;
  /** True the first time `key` is claimed; false for a replay. */
  claim(key: string): Promise<boolean>;
}

interface ClaimDoc {
  _id: string;
  at: Date;
}
const ClaimModel: Model<ClaimDoc> =
  (models.TwilioCallback as Model<ClaimDoc> | undefined) ??
  model<ClaimDoc>(
    'TwilioCallback',
    new Schema<ClaimDoc>(
      { _id: { type: String, required: true }, at: { type: Date, required: true } },
      { collection: 'twilio_callbacks', versionKey: false },
    ),
  );

export const mongoTwilioDirectory: TwilioDirectory = {
  async userByPhone(type, phone) {
    const { users } = await loadConfigSnapshot();
    const user = users.find((u) => u.contactMethods.some((m) => m.type === type && m.address === phone));
    return user ? { id: user.id, name: user.name } : undefined;
  },
  async smsPages(userId) {
    const open = await IncidentRecordModel.find({ status: { $in: ['triggered', 'acknowledged'] } }).lean();
    const pages = open.flatMap((doc) => {
      const sent = doc.timeline.filter(
        (e) => e.type === 'notified' && e.data?.userId === userId && e.data?.channel === 'sms',
      );
      const last = sent
        .map((e) => e.at)
        .sort()
        .at(-1);
      return last ? [{ key: doc._id, incidentId: doc.incidentId, at: last }] : [];
    });
    const numbers = await IncidentNumberModel.find({ incidentKey: { $in: pages.map((p) => p.key) } }).lean();
    const numberOf = new Map(numbers.map((d) => [d.incidentKey, d._id]));
    return pages
      .map(({ key, ...p }) => ({ ...p, ...(numberOf.has(key) ? { number: numberOf.get(key) } : {}) }))
      .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  },
  async claim(key) {
    try {
      await ClaimModel.create({ _id: key, at: new Date() });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  },
};
