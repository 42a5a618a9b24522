import type { Review } from '../../domain/review/review';
import { duration, nameOf, type Names } from './format';

const SECTIONS: Array<[keyof Review['sections'], string]> = [
  ['whatHappened', 'What happened'],
  ['rootCause', 'Root cause'],
  ['whyNotCaughtEarlier', 'Why it was not caught earlier'],
  ['whatWentWell', 'What went well'],
  ['whatToImprove', 'What to improve'],
];

/** The post-incident review once resolved: the figures, the draft, the action items. */
export function ReviewSection({ review, names }: { review: Review; names: Names }) {
  const m = review.metrics;
  return (
    <section aria-labelledby="review" class="review">
      <h2 id="review">Post-incident review</h2>
      <p>
        {m.mttaSeconds !== undefined ? `Acknowledged after ${duration(m.mttaSeconds * 1000)}; ` : ''}
        resolved after {duration(m.mttrSeconds * 1000)}; {m.alertCount} alerts; {review.slaBreaches.length} SLA
        breaches.
      </p>
      {SECTIONS.map(([key, title]) =>
        review.sections[key] ? (
          <details>
            <summary>{title}</summary>
            <pre class="section">{review.sections[key]}</pre>
          </details>
        ) : null,
      )}
      <h3>Action items</h3>
      {review.actionItems.length === 0 ? (
        <p class="muted">None yet.</p>
      ) : (
        <ul>
          {review.actionItems.map((a) => (
            <li class={`item-${a.status}`}>
              {a.id}: {a.title} — {nameOf(names, a.owner)}, due {a.dueDate} ({a.status})
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
