/**
 * Twilio's request signature (https://www.twilio.com/docs/usage/security#validating-requests):
 *
 *   X-Twilio-Signature = base64(HMAC-SHA1(auth token, URL + for each POST parameter,
 *                        sorted by name: name + value))
 *
 * where URL is the full URL Twilio requested, query string included. A name that appears
 * more than once contributes each distinct value, values sorted (as Twilio's helper
 * libraries do). Behind a proxy the URL is the public one Twilio called, so the caller
 * passes it (VIGIL_PUBLIC_URL + the path), never one built from the Host header. Like
 * Twilio's libraries, the URL is accepted with and without the scheme's default port.
 * Compared in constant time; never throws on malformed input.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TWILIO_SIGNATURE_HEADER = 'x-twilio-signature';

export type FormParams = Iterable<readonly [string, string]>;

/** The data Twilio signs: the URL, then name + value for each parameter in order of name. */
export function signedData(url: string, params: FormParams): string {
  const byName = new Map<string, Set<string>>();
  for (const [name, value] of params) {
    const values = byName.get(name) ?? new Set<string>();
    values.add(value);
    byName.set(name, values);
  }
  let data = url;
  // Default sort compares UTF-16 code units, as Twilio's helpers do.
  for (const name of [...byName.keys()].sort()) {
    for (const value of [...(byName.get(name) ?? [])].sort()) data += name + value;
  }
  return data;
}

export function twilioSignature(authToken: string, url: string, params: FormParams): string {
  return createHmac('sha1', authToken).update(signedData(url, params), 'utf8').digest('base64');
}

/** The URL as given, plus the same URL with its default port added or removed. */
export function urlVariants(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const defaultPort = parsed.protocol === 'https:' ? '443' : parsed.protocol === 'http:' ? '80' : undefined;
  if (!defaultPort) return [url];
  const authority = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/i.exec(url);
  if (!authority) return [url];
  const [, scheme, host = '', rest] = authority;
  const explicit = host.endsWith(`:${defaultPort}`);
  const other = explicit
    ? host.slice(0, -(defaultPort.length + 1))
    : /:\d+$/.test(host)
      ? undefined
      : `${host}:${defaultPort}`;
  return other === undefined ? [url] : [url, `${scheme}${other}${rest}`];
}

export function verifyTwilioSignature(
  authToken: string,
  url: string,
  params: FormParams,
  signature: string | undefined,
): boolean {
  if (!signature) return false;
  const given = Buffer.from(signature.trim(), 'utf8');
  const list = [...params];
  let ok = false;
  for (const candidate of urlVariants(url)) {
    const expected = Buffer.from(twilioSignature(authToken, candidate, list), 'utf8');
    // timingSafeEqual needs equal lengths; a signature of another length reveals nothing secret.
    if (expected.length === given.length && timingSafeEqual(expected, given)) ok = true;
  }
  return ok;
}
