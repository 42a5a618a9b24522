/**
 * The one place Temporal's client errors become HTTP answers: a refused update is 409 (or
 * 422 when the refusal is about the input), a missing workflow 404, a closed one 409, and
 * anything else 503 (Temporal unreachable: the caller should retry), never a 500.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { conflict, HttpError, notFound, unavailable } from './errors';

/** ApplicationFailure types whose refusal is about what the caller sent (an input breaking its pattern). */
const UNPROCESSABLE: Record<string, string> = {
  RunbookRefused: 'runbook_refused',
  CoordinationRefused: 'coordination_refused',
};

/** The update's validator or handler refused the command, with its reason; undefined for other errors. */
export function refusal(err: unknown): HttpError | undefined {
  if (!(err instanceof WorkflowUpdateFailedError) || !(err.cause instanceof ApplicationFailure)) return undefined;
  const code = err.cause.type ? UNPROCESSABLE[err.cause.type] : undefined;
  return code ? new HttpError(422, code, err.cause.message) : conflict(err.cause.message);
}

export const isWorkflowNotFound = (err: unknown): boolean => err instanceof WorkflowNotFoundError;

/** An update or signal sent to a run that has completed. */
export function isWorkflowClosed(err: unknown): boolean {
  return err instanceof Error && /already completed|workflow execution.*(completed|closed)/i.test(err.message);
}

/** Temporal did not answer as expected: 503, keeping the cause for the log. */
export function temporalUnavailable(err: unknown): HttpError {
  const wrapped = unavailable('the workflow service');
  (wrapped as { cause?: unknown }).cause = err;
  return wrapped;
}

/** Any error of a call on the workflow `what` names ("runbook run x of incident y"). */
export function temporalError(err: unknown, what: string): HttpError {
  if (err instanceof HttpError) return err;
  const refused = refusal(err);
  if (refused) return refused;
  if (isWorkflowNotFound(err)) return notFound(what);
  if (isWorkflowClosed(err)) return conflict(`${what} has finished`);
  return temporalUnavailable(err);
}
