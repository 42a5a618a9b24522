import { IncidentNumberModel } from '../lib/models/incident-number';
import type { Logger } from '../lib/logger';
import { DUPLICATE_KEY } from '../lib/mongo';

/**
 * Numbers for all the incidents asking at once are taken together, one batch at a time in
 * this process: one insert of consecutive numbers per batch instead of a read-and-insert per
 * incident that raced every other (a storm of new incidents used to retry each other
 * O(n^2) times and hold every activity slot meanwhile). The last number taken is
 * remembered; the highest is read again only when another process took one first.
 */
export function numberAllocator(log: Logger): (incidentKey: string, opts?: { firstAsk?: boolean }) => Promise<number> {
  let last: number | undefined;
  let waiting: Array<{ key: string; firstAsk: boolean; settle: (n: number | Error) => void }> = [];
  let busy = false;

  /**
   * Only `asked` (keys some caller asks for again) are looked up before the first insert; the
   * others (an activity's first attempt) are inserted straight away: looking them up would read
   * the whole collection on FerretDB, which finds only by `_id`. Should one have a number after
   * all, its insert clashes on `incidentKey` and the next round looks it up like any other.
   */
  async function take(keys: string[], asked: Set<string>): Promise<Map<string, number>> {
    const got = new Map<string, number>();
    for (let round = 0; round < 50 && got.size < keys.length; round++) {
      const open = keys.filter((k) => !got.has(k));
      // A retried activity, or a number another process gave this incident: keep it.
      const ask = round === 0 ? open.filter((k) => asked.has(k)) : open;
      const have = ask.length === 0 ? [] : await IncidentNumberModel.find({ incidentKey: { $in: ask } }).lean();
      for (const d of have) got.set(d.incidentKey, d._id);
      const todo = open.filter((k) => !got.has(k));
      if (todo.length === 0) break;
      last ??= (await IncidentNumberModel.findOne({}).sort({ _id: -1 }).lean())?._id ?? 0;
      const base = last;
      const docs = todo.map((incidentKey, i) => ({ _id: base + 1 + i, incidentKey, createdAt: new Date() }));
      const refused = await insertAll(docs);
      for (const [i, d] of docs.entries()) if (!refused.has(i)) got.set(d.incidentKey, d._id);
      last = base + docs.length;
      if (refused.size > 0) {
        log.debug({ clashes: refused.size }, 'incident numbers taken by another process; reading the highest again');
        last = undefined;
      }
    }
    return got;
  }

  async function drain(): Promise<void> {
    busy = true;
    while (waiting.length > 0) {
      const batch = waiting;
      waiting = [];
      try {
        // A key is a first ask only if every caller in the batch says so.
        const asked = new Set(batch.filter((w) => !w.firstAsk).map((w) => w.key));
        const got = await take([...new Set(batch.map((w) => w.key))], asked);
        for (const w of batch) w.settle(got.get(w.key) ?? new Error('no incident number after 50 attempts'));
      } catch (err) {
        last = undefined;
        for (const w of batch) w.settle(err instanceof Error ? err : new Error(String(err)));
      }
    }
    busy = false;
  }

  return (key, opts) =>
    new Promise<number>((resolve, reject) => {
      waiting.push({
        key,
        firstAsk: opts?.firstAsk === true,
        settle: (n) => (n instanceof Error ? reject(n) : resolve(n)),
      });
      if (!busy) void drain();
    });
}

type WriteError = { index: number; code: number };

/** Inserts documents in one unordered write; the indexes of those refused as duplicates. */
async function insertAll(docs: Array<{ _id: number; incidentKey: string; createdAt: Date }>): Promise<Set<number>> {
  try {
    await IncidentNumberModel.collection.insertMany(docs as never[], { ordered: false });
    return new Set();
  } catch (err) {
    const found = (err as { writeErrors?: WriteError[] | WriteError }).writeErrors;
    const list = found === undefined ? [] : Array.isArray(found) ? found : [found];
    if (list.length === 0 || list.some((e) => e.code !== DUPLICATE_KEY)) throw err;
    return new Set(list.map((e) => e.index));
  }
}
