/** Where an exported action item went, as the Markdown review shows it. */
import type { ExternalRef } from '../coordination/follow-up';

/**
 * " · jira [OPS-12](<https://...>)": the tracker, and the item's key linked to the issue;
 * the key alone when the link is not an http(s) URL. The link sits in angle brackets, with
 * what would end it (`<`, `>`, whitespace) percent-encoded.
 */
export function exportedMarkdown(ref: ExternalRef | undefined, escape: (text: string) => string): string {
  if (!ref) return '';
  const url = ref.url && /^https?:\/\//i.test(ref.url) ? ref.url.replace(/[<>\s]/g, encodeURIComponent) : undefined;
  return ` · ${ref.tracker} ${url ? `[${escape(ref.key)}](<${url}>)` : escape(ref.key)}`;
}
