/**
 * What the bench's webhook sink has received, indexed as it arrives: the first page of each
 * incident, and every page of a target with its escalation step and the time the workflow
 * decided to send it (`occurred_at`, workflow time).
 */
import type { Delivery, WebhookSink } from '../test/e2e/webhook-sink';

export interface Page {
  incidentId: string;
  key: string;
  target: string;
  /** 1-based, as in the payload. */
  level: number;
  loop: number;
  occurredAt: number;
  receivedAt: number;
}

export class Pages {
  private seen = 0;
  private readonly first = new Map<string, number>();
  private readonly byTarget = new Map<string, Page[]>();
  private readonly keys = new Set<string>();

  constructor(private readonly sink: WebhookSink) {}

  private refresh(): void {
    const all = this.sink.deliveries;
    for (; this.seen < all.length; this.seen++) this.index(all[this.seen] as Delivery);
  }

  private index(d: Delivery): void {
    // A baseline workflow's POST (bench/bare) counts as the "incident" named by its key.
    const incidentId = d.body?.event === 'bare' ? d.key : String(d.body?.incident?.id ?? d.key.split(':')[0]);
    if (d.status !== undefined && d.status >= 300) return; // refused by a scripted answer: not delivered
    if (!this.first.has(incidentId)) this.first.set(incidentId, d.receivedAt);
    if (this.keys.has(d.key)) return; // a repeat of a delivered key
    this.keys.add(d.key);
    const page: Page = {
      incidentId,
      key: d.key,
      target: d.target,
      level: Number(d.body?.escalation?.level ?? 0),
      loop: Number(d.body?.escalation?.loop ?? 0),
      occurredAt: Date.parse(String(d.body?.occurred_at)),
      receivedAt: d.receivedAt,
    };
    const list = this.byTarget.get(d.target);
    if (list) list.push(page);
    else this.byTarget.set(d.target, [page]);
  }

  /** When the first delivery for an incident (or a bare workflow's key) arrived. */
  firstAt(id: string): number | undefined {
    this.refresh();
    return this.first.get(id);
  }

  /** Distinct pages a target received, in arrival order. */
  of(target: string): Page[] {
    this.refresh();
    return this.byTarget.get(target) ?? [];
  }

  /** Distinct keys delivered so far. */
  get delivered(): number {
    this.refresh();
    return this.keys.size;
  }
}
