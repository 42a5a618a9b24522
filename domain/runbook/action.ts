/**
 * The action a runbook step renders to, with its inputs filled in: what the step
 * activities execute (an HTTP request or an allowlisted command), how it reads on the
 * timeline, and what an activity returns. Pure and deterministic.
 */
import type { LeafStep } from './runbook';
import { render, renderJson, type InputValues, type Json } from './template';

export interface HttpAction {
  kind: 'http';
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Accepted response statuses; empty = any 2xx. */
  expectStatus: number[];
}
export interface CommandAction {
  kind: 'command';
  /** A name the worker's allowlist maps to an executable. */
  program: string;
  /** Exactly the argv elements, never parsed by a shell. */
  args: string[];
  expectExitCodes: number[];
}
export type StepAction = HttpAction | CommandAction;

/** What a step activity returns (and, on failure, carries in its ApplicationFailure details). */
export interface ActionResult {
  output: string;
  exitCode?: number;
  statusCode?: number;
  durationMs: number;
  /** Which attempt succeeded (1 = first). */
  attempts?: number;
}

type Request = { method: string; url: string; headers: Record<string, string>; body?: unknown };

function renderHttp(r: Request, values: InputValues, expectStatus: number[]): HttpAction {
  const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, render(v, values, 'header')]));
  let body: string | undefined;
  if (typeof r.body === 'string') body = render(r.body, values);
  else if (r.body !== undefined) {
    body = JSON.stringify(renderJson(r.body as Json, values));
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
      headers['content-type'] = 'application/json';
  }
  return {
    kind: 'http',
    method: r.method,
    url: render(r.url, values, 'url'),
    headers,
    ...(body !== undefined ? { body } : {}),
    expectStatus,
  };
}

function renderCommand(
  c: { program: string; args: string[] },
  values: InputValues,
  expectExitCodes: number[],
): CommandAction {
  return { kind: 'command', program: c.program, args: c.args.map((a) => render(a, values, 'arg')), expectExitCodes };
}

/** The action a step executes, with its inputs filled in; throws TemplateError on an unfit value. */
export function renderAction(step: LeafStep, values: InputValues): StepAction | undefined {
  switch (step.kind) {
    case 'http': {
      const expect =
        step.expectStatus === undefined
          ? []
          : Array.isArray(step.expectStatus)
            ? step.expectStatus
            : [step.expectStatus];
      return renderHttp(step, values, expect);
    }
    case 'command':
      return renderCommand(step, values, step.expectExitCodes);
    case 'diagnostics':
      if (step.command) return renderCommand(step.command, values, [0]);
      return step.http ? renderHttp(step.http, values, []) : undefined;
    default:
      return undefined;
  }
}

export function describeAction(a: StepAction): string {
  return a.kind === 'http' ? `${a.method} ${a.url}` : `${a.program} ${JSON.stringify(a.args)}`;
}
