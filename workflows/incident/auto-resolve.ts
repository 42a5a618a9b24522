/**
 * Auto-resolve: when the source says its alert resolved, the incident resolves too, at
 * once or after a quiet period without new alerts, as the service says. A new alert
 * during the quiet period starts it over. Resolving acts as the resolve command by
 * "auto-resolve".
 */
import { condition } from '@temporalio/workflow';
import type { IncidentRun } from './incident-run';

export async function autoResolve(run: IncidentRun): Promise<void> {
  const mode = run.plan.autoResolve;
  if (mode.mode === 'never') return;
  for (;;) {
    await condition(() => run.sourceResolvedAt !== undefined || run.state.status === 'resolved');
    if (run.state.status === 'resolved') return;
    const mark = run.sourceResolvedAt;
    if (mode.mode === 'after_quiet') {
      const quietMs = (mode.quietMinutes ?? 5) * run.plan.minuteMs;
      const interrupted = await condition(
        () => run.sourceResolvedAt !== mark || run.state.status === 'resolved',
        quietMs,
        { summary: 'auto-resolve after quiet period' },
      );
      if (interrupted) continue;
    }
    run.resolve({ by: 'auto-resolve', note: `the source resolved the alert (${mode.mode})` });
    return;
  }
}
