/**
 * How an update refuses a command: its validator throws a non-retryable ApplicationFailure
 * of type `CommandRefused` whose message says why; the update is then not applied, nothing
 * enters the history, and the API answers 409 with that message.
 */
import { ApplicationFailure } from '@temporalio/workflow';

export const COMMAND_REFUSED = 'CommandRefused';

export function refuse(reason: string): never {
  throw ApplicationFailure.nonRetryable(reason, COMMAND_REFUSED);
}

/** Refuses when a `refuse*` rule of the domain gave a reason. */
export function refuseIf(reason: string | undefined): void {
  if (reason) refuse(reason);
}

/** The checks every incident command passes first: an open incident, and someone who gives it. */
export function refuseMalformedCommand(opened: boolean, cmd: { by?: unknown } | undefined): void {
  if (!opened) refuse('incident has not been opened yet');
  if (!cmd || typeof cmd.by !== 'string' || cmd.by.length === 0) refuse('command needs a "by"');
}
