/**
 * Paging one person for one escalation step: a coroutine follows their notification rules
 * (e.g. Slack at once, SMS after 5 minutes, a call after 10) and stops as soon as paging
 * of that step's epoch is over (acknowledged, snoozed, resolved, or paging started over).
 * Deliveries never block escalation: a failed channel is recorded on the timeline and the
 * next level still fires on time.
 */
import { CancellationScope, condition, isCancellation, sleep } from '@temporalio/workflow';
import type { Recipient } from '../../domain/incident/plan';
import { nowMs } from './clock';
import { deliver } from './delivery';
import type { IncidentRun } from './incident-run';

export interface PageStep {
  epoch: number;
  loop: number;
  level: number;
  pagedAtMs: number;
}

/**
 * Runs one person's rules for a step. Each rule fires at page time + its delay whatever
 * happened to earlier ones (a channel stuck in retries must not hold back the fallback);
 * the end of paging in the step's epoch cancels everything still waiting or retrying.
 */
export async function notifyPerson(run: IncidentRun, person: Recipient, step: PageStep): Promise<void> {
  const stale = () => run.pagingOver(step.epoch);
  const scope = new CancellationScope();
  void condition(stale).then(() => scope.cancel());
  try {
    await scope.run(async () => {
      const sends: Array<Promise<void>> = [];
      for (const [i, rule] of person.rules.entries()) {
        const wait = step.pagedAtMs + rule.delayMinutes * run.plan.minuteMs - nowMs();
        if (wait > 0) await sleep(wait, { summary: `${person.userId}: rule ${i + 1} at ${rule.delayMinutes} min` });
        if (stale()) break;
        const repeat = person.rules.slice(0, i).some((r) => r.contactMethod.id === rule.contactMethod.id);
        sends.push(
          deliver(run, 'page', person, rule.contactMethod, {
            level: step.level,
            loop: step.loop,
            cycle: step.epoch,
            ...(repeat ? { discriminator: `rule${i + 1}` } : {}),
          }),
        );
      }
      await Promise.all(sends);
    });
  } catch (err) {
    if (!isCancellation(err)) throw err;
  }
}
