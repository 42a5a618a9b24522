/**
 * Runs a runbook HTTP step: one request, redirects not followed (a templated path must not
 * bounce the worker to another host), the response body kept up to the output limit, and
 * the status checked against the step's expectation (any 2xx by default).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { ActionResult, HttpAction } from '../../domain/runbook/action';
import { BoundedOutput } from './output';

export const HTTP_FAILED = 'RunbookHttpFailed';

export interface HttpOptions {
  outputLimit: number;
  signal?: AbortSignal;
  timeoutMs: number;
}

export async function runHttp(action: HttpAction, opts: HttpOptions): Promise<ActionResult> {
  const started = Date.now();
  const signals = [AbortSignal.timeout(opts.timeoutMs), ...(opts.signal ? [opts.signal] : [])];
  let res: Response;
  try {
    res = await fetch(action.url, {
      method: action.method,
      headers: action.headers,
      body: action.body,
      redirect: 'manual',
      signal: AbortSignal.any(signals),
    });
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw ApplicationFailure.retryable(`${action.method} ${action.url} failed: ${cause}`, HTTP_FAILED, {
      output: '',
      durationMs: Date.now() - started,
    });
  }
  const output = new BoundedOutput(opts.outputLimit);
  if (res.body) {
    for await (const chunk of res.body) {
      output.push(Buffer.from(chunk as Uint8Array));
      if (output.bytes > opts.outputLimit * 4) break; // enough to say how much was cut; stop reading
    }
  }
  const result: ActionResult = { output: output.text(), statusCode: res.status, durationMs: Date.now() - started };
  const ok =
    action.expectStatus.length > 0 ? action.expectStatus.includes(res.status) : res.status >= 200 && res.status < 300;
  if (!ok) {
    const want = action.expectStatus.length > 0 ? action.expectStatus.join(' or ') : '2xx';
    throw ApplicationFailure.retryable(
      `${action.method} ${action.url} answered ${res.status}, expected ${want}`,
      HTTP_FAILED,
      result,
    );
  }
  return result;
}
