/**
 * The page's Atom feed: its incidents (newest first, each with its updates) and its
 * maintenances, written by the `feed` library so feed readers get well-formed Atom.
 */
import { Feed } from 'feed';
import type { PageView } from '../../domain/status-page';

const MOST_RECENT = 50;

export function atomFeed(v: PageView): string {
  const feed = new Feed({
    id: v.url,
    title: `${v.page.name} incidents`,
    link: v.url,
    updated: new Date(v.updatedAt),
    generator: 'Vigil',
    feedLinks: { atom: `${v.url}/feed.atom` },
    copyright: v.page.name,
  });
  const items = [
    ...v.incidents.slice(0, MOST_RECENT).map((i) => ({
      title: i.status === 'resolved' ? `${i.name} (resolved)` : i.name,
      id: `${v.url}#incident-${i.id}`,
      link: `${v.url}#incident-${i.id}`,
      date: new Date(i.updatedAt),
      published: new Date(i.createdAt),
      content: [...i.updates]
        .reverse()
        .map((u) => `${u.status}: ${u.body} (${u.displayAt})`)
        .join('\n'),
    })),
    ...v.maintenances.map((m) => ({
      title: `${m.name} (${m.status.replace('_', ' ')})`,
      id: `${v.url}#maintenance-${m.id}`,
      link: `${v.url}#maintenance-${m.id}`,
      date: new Date(m.createdAt),
      published: new Date(m.createdAt),
      content: `${m.body} From ${m.scheduledFor} until ${m.scheduledUntil}.`,
    })),
  ];
  for (const item of items.sort((a, b) => b.date.getTime() - a.date.getTime())) feed.addItem(item);
  return feed.atom1();
}
