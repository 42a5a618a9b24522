/**
 * The HTTP request every HTTP channel makes: one POST with the channel's timeout joined to
 * the activity's cancellation, no redirects followed, and the answer classified the way
 * channel.ts says (2xx delivered; 408/429/5xx transient with Retry-After; other 4xx and
 * 3xx rejected; network errors and timeouts transient).
 */
import { failureForError, failureForStatus, type SendContext } from './channel';

export const DEFAULT_TIMEOUT_MS = 10_000;
/** Enough of a refusal's body to say why on the timeline, not enough to flood it. */
const SNIPPET_CHARS = 300;

export interface PostOptions {
  /** Names the receiver in failures and logs; never the full URL (it may carry a token). */
  what: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
}

/** POSTs once; resolves with the status and (up to 64 KB of) the body of a 2xx answer. */
export async function postOnce(
  url: URL,
  ctx: SendContext,
  opts: PostOptions,
): Promise<{ status: number; text: string; headers: Headers }> {
  const doFetch = opts.fetch ?? globalThis.fetch;
  const now = opts.now ?? Date.now;
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, timeout]) : timeout;
  try {
    const res = await doFetch(url, {
      method: 'POST',
      headers: opts.headers,
      body: opts.body,
      signal,
      redirect: 'manual',
    });
    if (res.ok) return { status: res.status, text: await readSnippet(res, 65_536, false), headers: res.headers };
    const snippet = await readSnippet(res);
    const answer = { status: res.status, statusText: res.statusText, retryAfter: res.headers.get('retry-after') };
    throw failureForStatus(answer, opts.what, now(), snippet);
  } catch (err) {
    throw failureForError(err, opts.what, ctx.signal);
  }
}

/** The start of a response body (one line unless `keepLines`); reading more would only hold the socket. */
export async function readSnippet(res: Response, limit = SNIPPET_CHARS, oneLine = true): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // A body cut short still leaves the status, which is what classifies the failure.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return oneLine ? text.replace(/\s+/g, ' ').trim().slice(0, limit) : text.slice(0, limit);
}

/** An http(s) URL from configuration or a contact address, or undefined. */
export function httpUrl(value: string): URL | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}
