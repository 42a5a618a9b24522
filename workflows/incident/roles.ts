/**
 * Response roles on a run (domain/coordination): roles the incident needs (its type's, its
 * severity's) go to their rotation's on-call person, who is told at once; a role never held
 * in this incident is assigned so whenever it becomes needed (open, type change, severity
 * raised). A needed role nobody holds reminds the incident's holder (the acknowledger, or
 * the people last paged) every few minutes until someone takes it. Responders assign, hand
 * over and release roles by update.
 */
import { condition } from '@temporalio/workflow';
import {
  assignRole,
  holderOf,
  releaseRole,
  unfilledRoles,
  type AssignRoleCommand,
  type ReleaseRoleCommand,
} from '../../domain/coordination/incident-roles';
import { roleOf } from '../../domain/coordination/plan';
import { recordEvent } from '../../domain/incident/commands';
import type { IncidentState } from '../../domain/incident/incident';
import { oncall } from './activity-stubs';
import { nowIso } from './clock';
import { coordinationOf, VIGIL } from './coordination';
import { notifyFirstContact } from './delivery';
import type { IncidentRun } from './incident-run';
import { holders } from './sla-timers';

/** Answers at once; the new holder is told in the background (a slow channel never holds up the command). */
export function assignRoleByHand(run: IncidentRun, cmd: AssignRoleCommand): IncidentState {
  run.apply((s) => assignRole(s, cmd, nowIso()));
  void tellHolders(run, [cmd.roleId], cmd.by);
  return run.state;
}

export function releaseRoleByHand(run: IncidentRun, cmd: ReleaseRoleCommand): IncidentState {
  run.apply((s) => releaseRole(s, cmd, nowIso()));
  return run.state;
}

const everHeld = (s: IncidentState, roleId: string) =>
  s.timeline.some((e) => e.type === 'role_assigned' && e.data?.roleId === roleId);

/** Gives needed roles never held here to their rotation's on-call person; tells them. */
async function assignFromRotations(run: IncidentRun): Promise<void> {
  const plan = coordinationOf(run);
  const taken: string[] = [];
  for (const roleId of unfilledRoles(run.state, plan).filter((id) => !everHeld(run.state, id))) {
    const userId = roleOf(plan, roleId)?.onCall[0];
    if (!userId) continue;
    run.apply((s) => assignRole(s, { by: VIGIL, roleId, userId, note: 'on call for the role' }, nowIso()));
    taken.push(roleId);
  }
  if (taken.length > 0) await tellHolders(run, taken, VIGIL);
}

/** Tells each new holder which roles they now hold (their first contact method, at once). */
async function tellHolders(run: IncidentRun, roleIds: string[], by: string): Promise<void> {
  const plan = coordinationOf(run);
  const byUser = new Map<string, string[]>();
  for (const roleId of roleIds) {
    const holder = holderOf(run.state, roleId);
    if (holder) byUser.set(holder.userId, [...(byUser.get(holder.userId) ?? []), roleOf(plan, roleId)?.name ?? roleId]);
  }
  if (byUser.size === 0) return;
  const { recipients } = await oncall.resolveRecipients({ userIds: [...byUser.keys()] });
  const s = run.state;
  const count = s.timeline.filter((e) => e.type === 'role_assigned').length;
  await Promise.all(
    recipients.map((person) => {
      const names = (byUser.get(person.userId) ?? []).join(' and ');
      const ref = s.number === undefined ? s.incidentId : `#${s.number}`;
      const message = `You are ${names} of incident ${ref} (${s.severity}), assigned by ${by}`;
      return notifyFirstContact(run, 'role_assigned', [person], message, `role-${count}`);
    }),
  );
}

/** Assigns needed roles from rotations, and reminds the holder of those still unfilled, until resolved. */
export async function coordinateRoles(run: IncidentRun): Promise<void> {
  for (;;) {
    if (run.state.status === 'resolved') return;
    await assignFromRotations(run);
    const plan = coordinationOf(run);
    const unfilled = unfilledRoles(run.state, plan);
    const key = `${unfilled.join(',')}|${run.state.severity}|${run.state.incidentType ?? ''}`;
    const changed = () =>
      run.state.status === 'resolved' ||
      `${unfilledRoles(run.state, coordinationOf(run)).join(',')}|${run.state.severity}|${run.state.incidentType ?? ''}` !==
        key;
    if (unfilled.length === 0) {
      await condition(changed);
      continue;
    }
    if (await condition(changed, plan.reminderMinutes * run.plan.minuteMs, { summary: 'unfilled roles' })) continue;
    await remindUnfilled(run, unfilled);
  }
}

async function remindUnfilled(run: IncidentRun, unfilled: string[]): Promise<void> {
  const count = run.state.timeline.filter((e) => e.type === 'role_unfilled').length + 1;
  const message = `Nobody holds role ${unfilled.join(', ')}: assign it (reminder #${count})`;
  run.apply((s) => recordEvent(s, { at: nowIso(), type: 'role_unfilled', message, data: { roles: unfilled, count } }));
  await notifyFirstContact(run, 'role_unfilled', await holders(run), message, count);
}
