/**
 * The status page as HTML: overall status, components by group with 90 days of history,
 * active incidents and maintenances with their updates, and past incidents. Rendered on
 * the server (hono/jsx escapes as it renders), with one stylesheet of our own and no
 * script: it works everywhere, loads nothing from third parties, and reads on a phone.
 */
import type { Child } from 'hono/jsx';
import type { ComponentView, MaintenanceView, PageIncidentRecord, PageView } from '../../domain/status-page';

const STATUS_LABEL: Record<string, string> = {
  operational: 'Operational',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
  under_maintenance: 'Under maintenance',
};
const PAST_DAYS = 14;

// One formatter per zone: making one costs far more than formatting (hundreds of updates per page).
const formatters = new Map<string, Intl.DateTimeFormat>();
function when(iso: string, zone: string): string {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: zone });
    formatters.set(zone, f);
  }
  return f.format(new Date(iso));
}

function Bars({ c }: { c: ComponentView }) {
  const days = c.history.filter((d) => d.status !== 'operational').length;
  return (
    <svg
      class="bars"
      viewBox={`0 0 ${c.history.length * 4} 20`}
      preserveAspectRatio="none"
      role="img"
      aria-label={`${c.name}: ${days} of ${c.history.length} days with trouble`}
    >
      {/* Operational days (most of 4,500 bars on a large page) carry no class and no tooltip: the stylesheet's default fill and the label above say it. */}
      {c.history.map((d, i) =>
        d.status === 'operational' ? (
          <rect x={i * 4} y="0" width="3" height="20" />
        ) : (
          <rect x={i * 4} y="0" width="3" height="20" class={d.status}>
            <title>{`${d.day}: ${STATUS_LABEL[d.status]}`}</title>
          </rect>
        ),
      )}
    </svg>
  );
}

function Component({ c }: { c: ComponentView }) {
  return (
    <li class="component" id={`component-${c.id}`}>
      <div class="row">
        <span class="name">{c.name}</span>
        <span class={`status ${c.status}`}>{STATUS_LABEL[c.status]}</span>
      </div>
      {c.description ? <p class="description">{c.description}</p> : null}
      <Bars c={c} />
    </li>
  );
}

function Components({ v }: { v: PageView }) {
  const shown = v.components.filter((c) => !c.onlyShowIfDegraded || c.status !== 'operational');
  const groups = [...new Set(shown.map((c) => c.group ?? ''))];
  return (
    <section aria-labelledby="components-title">
      <h2 id="components-title">Components</h2>
      <p class="legend">{`Past ${v.components[0]?.history.length ?? 90} days, today on the right.`}</p>
      {groups.map((g) => (
        <div class="group">
          {g ? <h3>{g}</h3> : null}
          <ul>
            {shown
              .filter((c) => (c.group ?? '') === g)
              .map((c) => (
                <Component c={c} />
              ))}
          </ul>
        </div>
      ))}
    </section>
  );
}

function Incident({ i, zone }: { i: PageIncidentRecord; zone: string }) {
  return (
    <article class={`incident ${i.impact}`} id={`incident-${i.id}`}>
      <h3>{i.name}</h3>
      <ol class="updates">
        {[...i.updates].reverse().map((u) => (
          <li>
            <strong>{u.status[0]?.toUpperCase() + u.status.slice(1)}</strong> {u.body}{' '}
            <time datetime={u.displayAt}>{when(u.displayAt, zone)}</time>
          </li>
        ))}
      </ol>
    </article>
  );
}

function Maintenance({ m, zone }: { m: MaintenanceView; zone: string }) {
  return (
    <article class="incident maintenance" id={`maintenance-${m.id}`}>
      <h3>{m.name}</h3>
      <p>
        <strong>{m.status === 'in_progress' ? 'In progress' : 'Scheduled'}</strong> {m.body}{' '}
        <time datetime={m.scheduledFor}>{when(m.scheduledFor, zone)}</time> –{' '}
        <time datetime={m.scheduledUntil}>{when(m.scheduledUntil, zone)}</time>
      </p>
    </article>
  );
}

function Section({ title, id, children }: { title: string; id: string; children: Child }) {
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

export function StatusHtml({ v }: { v: PageView }) {
  const zone = v.page.timeZone;
  const active = v.incidents.filter((i) => i.status !== 'resolved');
  const cutoff = Date.parse(v.now) - PAST_DAYS * 86_400_000;
  const past = v.incidents.filter((i) => i.status === 'resolved' && Date.parse(i.createdAt) >= cutoff);
  const maintenances = v.maintenances.filter((m) => m.status !== 'completed');
  const base = `/status/${v.page.id}`;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{v.page.name}</title>
        <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/status/assets/status.css" />
        <link
          rel="alternate"
          type="application/atom+xml"
          title={`${v.page.name} incidents`}
          href={`${base}/feed.atom`}
        />
      </head>
      <body>
        <main>
          <h1>{v.page.name}</h1>
          <p class={`overall ${v.indicator}`} role="status">
            {v.description}
          </p>
          {active.length > 0 ? (
            <Section title="Active incidents" id="active-title">
              {active.map((i) => (
                <Incident i={i} zone={zone} />
              ))}
            </Section>
          ) : null}
          {maintenances.length > 0 ? (
            <Section title="Scheduled maintenance" id="maintenance-title">
              {maintenances.map((m) => (
                <Maintenance m={m} zone={zone} />
              ))}
            </Section>
          ) : null}
          <Components v={v} />
          <Section title={`Past incidents (${PAST_DAYS} days)`} id="past-title">
            {past.length === 0 ? <p>No incidents reported.</p> : past.map((i) => <Incident i={i} zone={zone} />)}
          </Section>
          <footer>
            <a href={`${base}/feed.atom`}>Atom feed</a> · <a href={`${base}/api/v2/summary.json`}>JSON API</a> · Times
            in {zone} · Updated <time datetime={v.updatedAt}>{when(v.updatedAt, zone)}</time>
          </footer>
        </main>
      </body>
    </html>
  );
}
