/**
 * A service's `statusPageComponent` that names no component of any status page (by id, or
 * by name ignoring case, as componentsForService matches) is a warning: the service's
 * incidents would never show on a page, most likely from a typo or a renamed component.
 */
import type { ServiceLink, StatusPage } from '../../domain/status-page/page';
import type { SetContext } from './checks';
import type { ConfigIssue } from './types';

export function statusPageComponentWarnings(ctx: SetContext): ConfigIssue[] {
  const pages = [
    ...ctx.valid.filter((e) => e.kind === 'statusPage').map((e) => e.spec as StatusPage),
    ...ctx.external.statusPage,
  ];
  const known = new Set(pages.flatMap((p) => p.components.flatMap((c) => [c.id, c.name.toLowerCase()])));
  return ctx.valid.flatMap((e) => {
    const named = e.kind === 'service' ? (e.spec as ServiceLink).statusPageComponent?.trim() : undefined;
    if (!named || known.has(named.toLowerCase())) return [];
    const where =
      pages.length === 0 ? 'no status page is configured' : 'no status page has a component of that id or name';
    return [e.where.issue(['statusPageComponent'], `"${named}" matches no status page component: ${where}`)];
  });
}
