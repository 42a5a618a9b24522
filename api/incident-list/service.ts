import type { IncidentListRow } from '../../domain/incident/list-row';
import { toListRow } from '../../domain/incident/list-row';
import type { IncidentState } from '../../domain/incident/incident';
import type { Logger } from '../../lib/logger';
import { loadConfigSnapshot } from '../../lib/models/config';
import { IncidentEventModel, latestIncidentEventId } from '../../lib/models/incident-event';
import { IncidentRecordModel } from '../../lib/models/incident-record';
import { IncidentRowModel, rowFromDoc } from '../../lib/models/incident-row';
import { createIncidentFeed, type FeedSource, type IncidentFeed } from './feed';
import { createListIndex, type ListIndex } from './list-index';

/**
 * The projector appends an event before it writes the row, so at start-up the rows may
 * lag the newest events by the projections in flight: the feed is replayed from this far
 * back (a replayed event is ignored when its row's `seq` is not newer).
 */
const REPLAY_AT_START = 200;

export interface IncidentList {
  feed: IncidentFeed;
  index: ListIndex;
  /** The services of these teams, from the configuration (for the team filter). */
  servicesOfTeams(teams: readonly string[]): Promise<Set<string>>;
  /** Resolves once the rows are loaded; rejects if they cannot be. */
  ready(): Promise<void>;
  stop(): void;
}

async function mongoServicesOfTeams(teams: readonly string[]): Promise<Set<string>> {
  const { services } = await loadConfigSnapshot();
  return new Set(services.filter((s) => teams.includes(s.teamId)).map((s) => s.id));
}

export const mongoFeedSource: FeedSource = {
  latest: latestIncidentEventId,
  async get(id) {
    const doc = await IncidentEventModel.findOne({ _id: id }).lean();
    if (!doc) return undefined;
    const row: IncidentListRow = { recordId: doc.recordId, ...doc.row };
    return { id: doc._id, at: doc.at.toISOString(), incidentId: doc.incidentId, changes: doc.changes, row };
  },
};

/** Every row; a read model projected before rows existed is derived from its records once. */
export async function loadMongoRows(): Promise<IncidentListRow[]> {
  const rows = (await IncidentRowModel.find({}).lean()).map(rowFromDoc);
  if (rows.length > 0) return rows;
  const records = await IncidentRecordModel.find({}).lean();
  return records.map((r) => toListRow(r as unknown as IncidentState, r._id));
}

export function createIncidentList(opts: {
  log: Logger;
  source?: FeedSource;
  loadRows?: () => Promise<IncidentListRow[]>;
  servicesOfTeams?: IncidentList['servicesOfTeams'];
  intervalMs?: number;
}): IncidentList {
  const source = opts.source ?? mongoFeedSource;
  const feed = createIncidentFeed(source, { log: opts.log, intervalMs: opts.intervalMs });
  const index = createListIndex();
  let loading: Promise<void> | undefined;
  const load = async () => {
    const head = await source.latest();
    const rows = await (opts.loadRows ?? loadMongoRows)();
    for (const row of rows) index.put(row);
    feed.subscribe((e) => index.put(e.row));
    feed.start(Math.max(0, head - REPLAY_AT_START));
    await feed.poll();
    opts.log.info({ incidents: index.size(), feedPosition: feed.position() }, 'incident list loaded');
  };
  return {
    feed,
    index,
    servicesOfTeams: opts.servicesOfTeams ?? mongoServicesOfTeams,
    ready() {
      loading ??= load().catch((err: unknown) => {
        loading = undefined; // the next request tries again
        throw err;
      });
      return loading;
    },
    stop: () => feed.stop(),
  };
}
