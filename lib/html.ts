/**
 * HTML escaping shared by everything that writes HTML by hand (email bodies, the respond
 * page): every interpolated value goes through escapeHtml, in text and in attributes.
 */
const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
