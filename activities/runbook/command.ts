/**
 * Runs a runbook command step: the program the operator's allowlist maps the step's name
 * to, with the step's argv, and never a shell (`shell: false`): alert data that reached an
 * argument stays that one argument, whatever it contains. The child gets a minimal
 * environment (no worker secrets), no stdin, and is killed on cancellation or timeout.
 */
import { spawn } from 'node:child_process';
import { ApplicationFailure } from '@temporalio/common';
import type { ActionResult, CommandAction } from '../../domain/runbook/action';
import { BoundedOutput } from './output';

export const COMMAND_NOT_ALLOWED = 'RunbookCommandNotAllowed';
export const COMMAND_FAILED = 'RunbookCommandFailed';
export const COMMAND_UNAVAILABLE = 'RunbookCommandUnavailable';

/** PATH for bare allowlist names; absolute paths in the allowlist do not depend on it. */
const SAFE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface CommandOptions {
  /** Program name -> executable (absolute path, or a bare name looked up on SAFE_PATH). */
  allowlist: Readonly<Record<string, string>>;
  outputLimit: number;
  signal?: AbortSignal;
  /** Called every `heartbeatMs` while the program runs, with the bytes seen so far. */
  heartbeat?: (progress: { bytes: number }) => void;
  heartbeatMs?: number;
}

export async function runCommand(action: CommandAction, opts: CommandOptions): Promise<ActionResult> {
  if (!Object.hasOwn(opts.allowlist, action.program)) {
    throw ApplicationFailure.nonRetryable(
      `program "${action.program}" is not on the command allowlist (VIGIL_RUNBOOK_COMMAND_ALLOWLIST)`,
      COMMAND_NOT_ALLOWED,
    );
  }
  const executable = opts.allowlist[action.program] as string;
  const started = Date.now();
  const output = new BoundedOutput(opts.outputLimit);
  const child = spawn(executable, action.args, {
    shell: false,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: SAFE_PATH, LANG: 'C.UTF-8' },
    signal: opts.signal,
    killSignal: 'SIGKILL',
    windowsHide: true,
  });
  child.stdout.on('data', (c: Buffer) => output.push(c));
  child.stderr.on('data', (c: Buffer) => output.push(c));
  const beat = setInterval(() => opts.heartbeat?.({ bytes: output.bytes }), opts.heartbeatMs ?? 5_000);
  try {
    const exitCode = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => resolve(code ?? (signal ? 128 + 9 : 1)));
    });
    const result: ActionResult = { output: output.text(), exitCode, durationMs: Date.now() - started };
    if (!action.expectExitCodes.includes(exitCode)) {
      throw ApplicationFailure.retryable(`${action.program} exited with code ${exitCode}`, COMMAND_FAILED, result);
    }
    return result;
  } catch (err) {
    if (err instanceof ApplicationFailure) throw err;
    const e = err as NodeJS.ErrnoException;
    if (e.name === 'AbortError') throw err;
    // ENOENT / EACCES: the allowlist points at nothing runnable; retrying will not help.
    throw ApplicationFailure.nonRetryable(`cannot run ${action.program}: ${e.code ?? e.message}`, COMMAND_UNAVAILABLE);
  } finally {
    clearInterval(beat);
  }
}
