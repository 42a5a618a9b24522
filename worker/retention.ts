import type { Logger } from '../lib/logger';
import { pruneIncidentEvents } from '../lib/models/incident-event';

const HOUR_MS = 3_600_000;

/**
 * Keeps the incident feed bounded: hourly (and a minute after start), removes changes older
 * than the retention. Every worker does it; a second sweep of the same hour finds nothing.
 * A failure is logged and tried again at the next sweep: nothing depends on it in time.
 */
export function startFeedRetention(log: Logger, retentionHours: number): () => void {
  const sweep = async () => {
    try {
      const removed = await pruneIncidentEvents(new Date(Date.now() - retentionHours * HOUR_MS));
      if (removed > 0) log.info({ removed, retentionHours }, 'incident feed: old changes removed');
    } catch (err) {
      log.warn({ err }, 'incident feed retention failed; trying again in an hour');
    }
  };
  const first = setTimeout(() => void sweep(), 60_000);
  const every = setInterval(() => void sweep(), HOUR_MS);
  first.unref();
  every.unref();
  return () => {
    clearTimeout(first);
    clearInterval(every);
  };
}
