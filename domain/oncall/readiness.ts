/**
 * Readiness: would a page reach someone? Warnings, not errors (an apply goes ahead), for
 *   - a user none of whose notification rules use a channel this deployment can deliver;
 *   - an escalation level that resolves to nobody at some moment of the next 14 days
 *     (schedule gaps, teams without known members, unknown targets);
 *   - a service whose escalation policy does not exist.
 * Pure: the caller says which channels are deliverable (and why not) and what "now" is.
 */
import { DAY_MS, MINUTE_MS } from '../common/wall-clock';
import { type InstantInput, toEpochMs, toIso } from '../common/fields';
import type { ContactMethodType, User } from '../config/user';
import type { Team } from '../config/team';
import { servicePolicyId, type Service } from '../config/service';
import { shifts } from './oncall';
import type { EscalationLevel, EscalationPolicy } from './policy';
import type { Schedule } from './schedule';

export const READINESS_HORIZON_DAYS = 14;

/** Per contact method type: deliverable here, or why not ("VIGIL_SMTP_URL is not set"). */
export type ChannelAvailability = Record<
  ContactMethodType,
  { deliverable: true } | { deliverable: false; why: string }
>;

export interface ReadinessConfig {
  users: readonly User[];
  teams: readonly Team[];
  schedules: readonly Schedule[];
  escalationPolicies: readonly EscalationPolicy[];
  services: readonly Service[];
}

export interface ReadinessWarning {
  kind: 'user' | 'escalationPolicy' | 'service';
  id: string;
  /** Field inside the entity, e.g. "levels[1].targets". */
  path: string;
  message: string;
}

export function readinessWarnings(
  config: ReadinessConfig,
  opts: { channels: ChannelAvailability; now: InstantInput; horizonDays?: number },
): ReadinessWarning[] {
  const from = toEpochMs(opts.now);
  const days = opts.horizonDays ?? READINESS_HORIZON_DAYS;
  return [
    ...config.users.flatMap((u) => userWarnings(u, opts.channels)),
    ...levelWarnings(config, from, from + days * DAY_MS, days),
    ...serviceWarnings(config),
  ];
}

function userWarnings(user: User, channels: ChannelAvailability): ReadinessWarning[] {
  const used = user.notificationRules.flatMap((r) => user.contactMethods.filter((m) => m.id === r.contactMethodId));
  const warn = (message: string): ReadinessWarning[] => [
    { kind: 'user', id: user.id, path: 'notificationRules', message },
  ];
  if (used.length === 0) return warn('has no notification rules: a page to this user reaches nobody');
  if (used.some((m) => channels[m.type].deliverable)) return [];
  const why = [...new Set(used.map((m) => m.type))].map((type) => {
    const c = channels[type];
    return `${type}: ${c.deliverable ? 'deliverable' : c.why}`;
  });
  return warn(
    `no contact method of the notification rules can be delivered with this configuration (${why.join('; ')})`,
  );
}

interface Span {
  start: number;
  end: number;
}

function levelWarnings(config: ReadinessConfig, from: number, to: number, days: number): ReadinessWarning[] {
  const users = new Set(config.users.map((u) => u.id));
  const covered = new Map<string, Span[]>();
  const onCall = (s: Schedule): Span[] => {
    let spans = covered.get(s.id);
    if (!spans) {
      spans = shifts(s, from, to)
        .filter((x) => users.has(x.userId))
        .map((x) => ({ start: toEpochMs(x.start), end: toEpochMs(x.end) }));
      covered.set(s.id, spans);
    }
    return spans;
  };
  return config.escalationPolicies.flatMap((policy) =>
    policy.levels.flatMap((level, i) => {
      const gaps = levelGaps(level, config, users, onCall, { start: from, end: to });
      if (gaps.length === 0) return [];
      const first = gaps[0] as Span;
      const hours = gaps.reduce((sum, g) => sum + (g.end - g.start), 0) / 3_600_000;
      const message =
        `level ${i + 1} pages nobody for ${gaps.length} stretch${gaps.length === 1 ? '' : 'es'} in the next ${days} days ` +
        `(${Math.round(hours * 10) / 10} h in all), the first from ${toIso(first.start)} to ${toIso(first.end)}`;
      return [{ kind: 'escalationPolicy' as const, id: policy.id, path: `levels[${i}].targets`, message }];
    }),
  );
}

/** Stretches of [window) with nobody to page: user and team targets cover all of it, schedules their shifts. */
function levelGaps(
  level: EscalationLevel,
  config: ReadinessConfig,
  users: ReadonlySet<string>,
  onCall: (s: Schedule) => Span[],
  window: Span,
): Span[] {
  const spans: Span[] = [];
  for (const target of level.targets) {
    if (target.type === 'user' && users.has(target.id)) return [];
    const team = target.type === 'team' ? config.teams.find((t) => t.id === target.id) : undefined;
    if (team?.members.some((m) => users.has(m.userId))) return [];
    const schedule = target.type === 'schedule' ? config.schedules.find((s) => s.id === target.id) : undefined;
    if (schedule) spans.push(...onCall(schedule));
  }
  return uncovered(spans, window).filter((g) => g.end - g.start >= MINUTE_MS);
}

function uncovered(spans: Span[], window: Span): Span[] {
  const gaps: Span[] = [];
  let cursor = window.start;
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    if (s.start > cursor) gaps.push({ start: cursor, end: Math.min(s.start, window.end) });
    cursor = Math.max(cursor, s.end);
    if (cursor >= window.end) break;
  }
  if (cursor < window.end) gaps.push({ start: cursor, end: window.end });
  return gaps;
}

function serviceWarnings(config: ReadinessConfig): ReadinessWarning[] {
  const policies = new Set(config.escalationPolicies.map((p) => p.id));
  // A service without its own policy is paged by its team's default (servicePolicyId).
  return config.services.flatMap((s) => {
    const id = servicePolicyId(s, config.teams);
    if (id !== undefined && policies.has(id)) return [];
    const message =
      id === undefined
        ? `names no escalation policy and team "${s.teamId}" has no defaultEscalationPolicyId: an incident of this service pages nobody`
        : `escalation policy "${id}" does not exist: an incident of this service pages nobody`;
    return [{ kind: 'service' as const, id: s.id, path: 'escalationPolicyId', message }];
  });
}
