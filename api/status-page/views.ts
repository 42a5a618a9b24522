/**
 * Built page views, cached: a public page is read far more often than it changes, so each
 * page's view, and each format rendered from it, is kept for `ttlMs` (the page changes on
 * the worker's writes, which this process cannot see, so a short time bounds how stale a
 * read may be) and dropped at once when this process writes to the page. Concurrent
 * misses share one build. An expired view keeps answering while its successor is built
 * (and its formats rendered again) in the background, so no reader waits for a build of
 * 90 days of history; a view older than `maxStaleMs` (builds failing) is not served.
 */
import { ConfigModels, loadConfigSnapshot, type ConfigSnapshot } from '../../lib/models/config';
import { mongoStatusPageStore, type StatusPageStore } from '../../lib/models/status-page';
import { buildPageView, HISTORY_DAYS, type PageView, type StatusPage } from '../../domain/status-page';

export interface PageViews {
  /** The page's configuration, or undefined when there is no such page. */
  page(pageId: string): Promise<StatusPage | undefined>;
  view(pageId: string): Promise<PageView | undefined>;
  /** A representation of the view, made once per cached view. */
  rendered(pageId: string, format: string, render: (v: PageView) => string): Promise<string | undefined>;
  /** Drops the page's cache (after a write by this process). */
  invalidate(pageId: string): void;
}

type Render = (v: PageView) => string;

interface Entry {
  at: number;
  view: Promise<PageView | undefined>;
  /** Format -> its text, and how to render it again for the next view. */
  formats: Map<string, { text: string; render: Render }>;
  /** The view has been built (it may be served while stale). */
  ready: boolean;
  refreshing?: boolean;
}

export function createPageViews(
  opts: {
    store?: StatusPageStore;
    loadConfig?: () => Promise<ConfigSnapshot>;
    /** The page's stored configuration (spec and when it last changed). */
    loadPage?: (pageId: string) => Promise<{ spec: StatusPage; updatedAt: Date } | undefined>;
    publicUrl?: string;
    ttlMs?: number;
    maxStaleMs?: number;
    now?: () => number;
  } = {},
): PageViews {
  const store = opts.store ?? mongoStatusPageStore;
  const loadConfig = opts.loadConfig ?? loadConfigSnapshot;
  const loadPage = opts.loadPage ?? mongoPage;
  const now = opts.now ?? Date.now;
  const ttlMs = opts.ttlMs ?? 5_000;
  const maxStaleMs = opts.maxStaleMs ?? 60_000;
  const cache = new Map<string, Entry>();
  let config: { at: number; snap: Promise<ConfigSnapshot> } | undefined;

  const snapshot = () => {
    if (!config || now() - config.at > ttlMs) {
      const snap = loadConfig();
      config = { at: now(), snap };
      snap.catch(() => (config = undefined));
    }
    return config.snap;
  };

  const build = async (pageId: string): Promise<PageView | undefined> => {
    const [snap, doc] = await Promise.all([snapshot(), loadPage(pageId)]);
    if (!doc) return undefined;
    const page = doc.spec;
    const nowMs = now();
    const since = new Date(nowMs - HISTORY_DAYS * 86_400_000).toISOString();
    // Updates are shown for the newest incidents (v2: 50) and the HTML's last 14 days.
    const updatesSince = new Date(nowMs - 15 * 86_400_000).toISOString();
    const incidents = await store.incidents(pageId, since, { sinceIso: updatesSince, newest: 100 });
    const url = page.url ?? `${(opts.publicUrl ?? '').replace(/\/$/, '')}/status/${page.id}`;
    return buildPageView({
      page,
      services: snap.services,
      incidents,
      url,
      nowMs,
      configuredAt: doc.updatedAt.toISOString(),
    });
  };

  const start = (pageId: string): Entry => {
    const fresh: Entry = { at: now(), view: build(pageId), formats: new Map(), ready: false };
    fresh.view.then(
      () => (fresh.ready = true),
      () => cache.get(pageId) === fresh && cache.delete(pageId),
    );
    return fresh;
  };

  /** Builds the successor of a stale view, renders the formats read before, then swaps it in. */
  const refresh = (pageId: string, stale: Entry) => {
    stale.refreshing = true;
    const next = start(pageId);
    next.view.then(
      (v) => {
        if (v)
          for (const [format, f] of stale.formats) next.formats.set(format, { text: f.render(v), render: f.render });
        if (cache.get(pageId) === stale) cache.set(pageId, next);
      },
      () => (stale.refreshing = false),
    );
  };

  const entry = (pageId: string): Entry => {
    const found = cache.get(pageId);
    const age = found ? now() - found.at : Infinity;
    if (found && age <= ttlMs) return found;
    if (found?.ready && age <= maxStaleMs) {
      if (!found.refreshing) refresh(pageId, found);
      return found;
    }
    const fresh = start(pageId);
    cache.set(pageId, fresh);
    return fresh;
  };

  return {
    async page(pageId) {
      return (await snapshot()).statusPages.find((p) => p.id === pageId);
    },
    view: (pageId) => entry(pageId).view,
    async rendered(pageId, format, render) {
      const e = entry(pageId);
      const hit = e.formats.get(format);
      if (hit !== undefined) return hit.text;
      const v = await e.view;
      if (!v) return undefined;
      const text = render(v);
      e.formats.set(format, { text, render });
      return text;
    },
    invalidate(pageId) {
      cache.delete(pageId);
      config = undefined;
    },
  };
}

const mongoPage = async (pageId: string) => (await ConfigModels.statusPage.findById(pageId).lean()) ?? undefined;
