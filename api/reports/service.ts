/**
 * The two reports over the in-memory report documents (./report-index.ts) and the
 * configuration now: a service's team, people's time zones, schedules and their rotations.
 * Figures are the domain's (domain/report/); this file only gathers their inputs.
 */
import { toEpochMs } from '../../domain/common/fields';
import { shifts } from '../../domain/oncall/oncall';
import { toReportIncident } from '../../domain/report/from-incident';
import { incidentReport, type IncidentReport } from '../../domain/report/incident-report';
import {
  onCallHealth,
  type HealthPage,
  type OnCallHealthReport,
  type Rotation,
} from '../../domain/report/oncall-health';
import type { IncidentReportQuery, OnCallReportQuery } from '../../domain/report/query';
import { loadConfigSnapshot, type ConfigSnapshot } from '../../lib/models/config';
import type { IncidentReportDoc } from '../../lib/models/incident-report';
import { unavailable } from '../errors';
import type { ReportIndex } from './report-index';

export interface Reports {
  incidents(q: IncidentReportQuery): Promise<IncidentReport>;
  oncall(q: OnCallReportQuery): Promise<OnCallHealthReport>;
}

type Config = Pick<ConfigSnapshot, 'users' | 'teams' | 'schedules' | 'services'>;

export function createReports(index: ReportIndex, loadConfig: () => Promise<Config> = loadConfigSnapshot): Reports {
  const loaded = () =>
    index.ready().catch(() => {
      throw unavailable('the reports');
    });
  return {
    async incidents(q) {
      const [config] = await Promise.all([loadConfig(), loaded()]);
      const teamOf = new Map(config.services.map((s) => [s.id, s.teamId]));
      const { from, to, service, team, severity, groupBy } = q;
      return incidentReport(inRange(index.docs(), from, to, teamOf), {
        from,
        to,
        ...(service === undefined ? {} : { service }),
        ...(team === undefined ? {} : { team }),
        ...(severity === undefined ? {} : { severity }),
        ...(groupBy === undefined ? {} : { groupBy }),
      });
    },
    async oncall(q) {
      const [config] = await Promise.all([loadConfig(), loaded()]);
      const members = q.team === undefined ? undefined : teamMembers(config, q.team);
      const counts = (userId: string) => members === undefined || members.has(userId);
      return onCallHealth({
        from: q.from,
        to: q.to,
        pages: pagesOf(index.docs(), counts),
        timeZones: new Map(config.users.map((u) => [u.id, u.timezone])),
        shifts: config.schedules.flatMap((s) =>
          shifts(s, q.from, q.to)
            .filter((sh) => counts(sh.userId))
            .map((sh) => ({ userId: sh.userId, start: toEpochMs(sh.start), end: toEpochMs(sh.end) })),
        ),
        rotations: rotationsOf(config, members),
      });
    },
  };
}

/** Incidents opened in [from, to), filtered before they are copied into the report's view. */
function* inRange(docs: Iterable<IncidentReportDoc>, from: number, to: number, teamOf: Map<string, string>) {
  for (const doc of docs) {
    if (doc.report.createdAt < from || doc.report.createdAt >= to) continue;
    yield toReportIncident(doc, teamOf.get(doc.service));
  }
}

function* pagesOf(docs: Iterable<IncidentReportDoc>, counts: (userId: string) => boolean): Iterable<HealthPage> {
  for (const doc of docs) {
    for (const p of doc.report.pages) if (counts(p.userId)) yield { ...p, incidentId: doc.incidentId };
  }
}

function teamMembers(config: Config, teamId: string): Set<string> {
  return new Set(config.teams.find((t) => t.id === teamId)?.members.map((m) => m.userId) ?? []);
}

/** Each schedule layer is a rotation; with a team, the layers that rotate any of its members, over those members. */
function rotationsOf(config: Config, members: Set<string> | undefined): Rotation[] {
  return config.schedules.flatMap((s) =>
    s.layers.flatMap((layer) => {
      const memberIds = members ? layer.participants.filter((u) => members.has(u)) : layer.participants;
      return memberIds.length === 0 ? [] : [{ id: `${s.id}/${layer.id}`, memberIds: [...new Set(memberIds)] }];
    }),
  );
}
