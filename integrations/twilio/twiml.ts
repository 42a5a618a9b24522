/**
 * TwiML, the XML Twilio executes: a call's verbs (`<Say>`, `<Gather>`) and an SMS reply
 * (`<Message>`). Every value is escaped; nothing else writes TwiML.
 */
export const TWIML_TYPE = 'text/xml; charset=utf-8';

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
export const escapeXml = (s: string): string => s.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);

export const say = (text: string, loop?: number): string =>
  `<Say${loop ? ` loop="${loop}"` : ''}>${escapeXml(text)}</Say>`;

export const message = (text: string): string => `<Message>${escapeXml(text)}</Message>`;

export const twiml = (...verbs: string[]): string =>
  `<?xml version="1.0" encoding="UTF-8"?><Response>${verbs.join('')}</Response>`;
