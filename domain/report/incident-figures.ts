/**
 * The figures of a set of incidents. Definitions (docs/metrics.md repeats them):
 * - MTTA: creation -> first response (acknowledgement or snooze); never-acknowledged incidents are left out.
 * - MTTR: creation -> resolution; open incidents are left out.
 * - MTTD: the alert's own start (Alertmanager/Grafana `startsAt`, PagerDuty `payload.timestamp`,
 *   generic `startedAt`) -> creation; incidents whose source gave no start are left out, and a
 *   start after creation (clock skew at the source) counts as 0.
 * - False-positive and noise rates: shares of the resolved incidents that were classified;
 *   unclassified ones are counted apart and are in neither numerator nor denominator.
 * - Auto-remediation rate: share of incidents acknowledged or resolved by a runbook.
 * - Escalation rate: share of incidents that paged level 2 or beyond, or went round the
 *   policy a second time.
 * - SLA attainment per severity: of the incidents whose response (resolution) target is
 *   decided - answered, resolved or breached (resolved or breached) - the share without a
 *   breach of it. A target still running is in neither count.
 * Durations are seconds; rates are fractions 0..1, null when nothing was counted.
 */
import type { ResolutionClassification } from '../incident/classification';
import type { Severity } from '../incident/severity';
import { rate, summarize, type Summary } from './stats';

/** One incident as reports see it: plain values, instants as epoch milliseconds. */
export interface ReportIncident {
  incidentId: string;
  service: string;
  team?: string;
  severity: Severity;
  createdAt: number;
  /** First response: acknowledgement or snooze (a re-acknowledgement does not move it). */
  acknowledgedAt?: number;
  resolvedAt?: number;
  /** When the source says the alert started firing. */
  alertStartedAt?: number;
  classification?: ResolutionClassification;
  autoRemediated: boolean;
  /** Highest escalation level paged, 1-based; 0 when nobody was paged. */
  maxLevelReached: number;
  /** Highest pass through the policy, 1-based; 0 when nobody was paged. */
  maxLoopReached: number;
  slaBreaches: ReadonlyArray<'response' | 'resolution'>;
}

export interface Attainment {
  met: number;
  decided: number;
  rate: number | null;
}

export interface IncidentFigures {
  count: number;
  open: number;
  acknowledged: number;
  resolved: number;
  mttaSeconds: Summary | null;
  mttrSeconds: Summary | null;
  mttdSeconds: Summary | null;
  classified: number;
  unclassified: number;
  falsePositiveRate: number | null;
  noiseRate: number | null;
  autoRemediated: number;
  autoRemediationRate: number | null;
  escalated: number;
  escalationRate: number | null;
  sla: Partial<Record<Severity, { response: Attainment; resolution: Attainment }>>;
}

export const isEscalated = (i: ReportIncident): boolean => i.maxLevelReached >= 2 || i.maxLoopReached >= 2;

/** Accumulates incidents one at a time (one pass over 100,000 incidents, no copies). */
export class FiguresAccumulator {
  private count = 0;
  private resolved = 0;
  private tta: number[] = [];
  private ttr: number[] = [];
  private ttd: number[] = [];
  private byClass = { actionable: 0, false_positive: 0, noise: 0 };
  private autoRemediated = 0;
  private escalated = 0;
  private sla = new Map<Severity, { response: [number, number]; resolution: [number, number] }>();

  add(i: ReportIncident): void {
    this.count += 1;
    if (i.acknowledgedAt !== undefined) this.tta.push((i.acknowledgedAt - i.createdAt) / 1000);
    if (i.resolvedAt !== undefined) {
      this.resolved += 1;
      this.ttr.push((i.resolvedAt - i.createdAt) / 1000);
      if (i.classification) this.byClass[i.classification] += 1;
    }
    if (i.alertStartedAt !== undefined) this.ttd.push(Math.max(0, i.createdAt - i.alertStartedAt) / 1000);
    if (i.autoRemediated) this.autoRemediated += 1;
    if (isEscalated(i)) this.escalated += 1;
    this.addSla(i);
  }

  private addSla(i: ReportIncident): void {
    let s = this.sla.get(i.severity);
    if (!s) this.sla.set(i.severity, (s = { response: [0, 0], resolution: [0, 0] }));
    const answered = i.acknowledgedAt !== undefined || i.resolvedAt !== undefined;
    tally(s.response, answered, i.slaBreaches.includes('response'));
    tally(s.resolution, i.resolvedAt !== undefined, i.slaBreaches.includes('resolution'));
  }

  figures(): IncidentFigures {
    const classified = this.byClass.actionable + this.byClass.false_positive + this.byClass.noise;
    const sla: IncidentFigures['sla'] = {};
    for (const [severity, s] of [...this.sla].sort(([a], [b]) => a.localeCompare(b))) {
      sla[severity] = { response: attainment(s.response), resolution: attainment(s.resolution) };
    }
    return {
      count: this.count,
      open: this.count - this.resolved,
      acknowledged: this.tta.length,
      resolved: this.resolved,
      mttaSeconds: summarize(this.tta),
      mttrSeconds: summarize(this.ttr),
      mttdSeconds: summarize(this.ttd),
      classified,
      unclassified: this.resolved - classified,
      falsePositiveRate: rate(this.byClass.false_positive, classified),
      noiseRate: rate(this.byClass.noise, classified),
      autoRemediated: this.autoRemediated,
      autoRemediationRate: rate(this.autoRemediated, this.count),
      escalated: this.escalated,
      escalationRate: rate(this.escalated, this.count),
      sla,
    };
  }
}

/** [met, decided]: a breach decides the target (missed) even while the incident is still open. */
function tally(counts: [number, number], done: boolean, breached: boolean): void {
  if (!done && !breached) return;
  counts[1] += 1;
  if (!breached) counts[0] += 1;
}

function attainment([met, decided]: [number, number]): Attainment {
  return { met, decided, rate: rate(met, decided) };
}
