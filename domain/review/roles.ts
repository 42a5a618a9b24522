/**
 * Who held which response role, and when, from the incident's timeline (role_assigned and
 * role_released events; a hand-over ends one holding and starts the next). Zod-free: the review
 * workflow runs it (test/workflows/bundle.test.ts); RoleHoldingSchema is in review.ts.
 */
import type { RoleHolding } from './review';

export type { RoleHolding };

interface RoleEvent {
  at: string;
  type: string;
  by?: string;
  data?: Record<string, unknown>;
}

export function roleHoldings(timeline: readonly RoleEvent[]): RoleHolding[] {
  const held: RoleHolding[] = [];
  const open = new Map<string, RoleHolding>();
  for (const e of timeline) {
    const roleId = e.data?.roleId;
    if (typeof roleId !== 'string' || (e.type !== 'role_assigned' && e.type !== 'role_released')) continue;
    const current = open.get(roleId);
    if (current) current.until = e.at;
    open.delete(roleId);
    const userId = e.data?.userId;
    if (e.type === 'role_assigned' && typeof userId === 'string') {
      const holding: RoleHolding = { roleId, userId, from: e.at, ...(e.by ? { by: e.by } : {}) };
      held.push(holding);
      open.set(roleId, holding);
    }
  }
  return held;
}
