import type { Shift } from '../../domain/oncall';
import { Layout, type Chrome } from './layout';
import { nameOf, namesOf, When, type Names } from './format';

export interface OnCallView {
  services: Array<{
    id: string;
    name: string;
    policy?: string;
    inMaintenance: boolean;
    levels: Array<{ level: number; delayMinutes: number; userIds: string[] }>;
  }>;
  schedules: Array<{ id: string; name: string; timeZone: string; shifts: Shift[] }>;
  from: string;
  to: string;
  /** The signed-in person's shifts over the same two weeks (personal tokens only). */
  mine?: Array<{ schedule: string; shift: Shift }>;
  names: Names;
}

const WIDTH = 1000;
const DAY = 86_400_000;

/** A schedule's shifts as bars on a two-week axis (SVG: no inline styles under the CSP). */
function ShiftBars({ shifts, from, to, names }: { shifts: Shift[]; from: string; to: string; names: Names }) {
  const t0 = Date.parse(from);
  const span = Date.parse(to) - t0;
  const x = (at: string) => Math.max(0, Math.min(WIDTH, ((Date.parse(at) - t0) / span) * WIDTH));
  const people = [...new Set(shifts.map((s) => s.userId))];
  const days = Math.round(span / DAY);
  return (
    <svg class="shifts" viewBox={`0 0 ${WIDTH} 40`} role="img" aria-label="Shifts over the next two weeks">
      {Array.from({ length: days + 1 }, (_, d) => (
        <line class="tick" x1={(d * WIDTH) / days} x2={(d * WIDTH) / days} y1={0} y2={40} />
      ))}
      {shifts.map((s) => {
        const left = x(s.start);
        const width = Math.max(1, x(s.end) - left);
        const label = `${nameOf(names, s.userId)}: ${s.start} – ${s.end}${s.override ? ' (override)' : ''}`;
        return (
          <g class={`shift p${people.indexOf(s.userId) % 6}${s.override ? ' override' : ''}`}>
            <title>{label}</title>
            <rect x={left} y={4} width={width} height={26} rx={3} />
            {width > 60 ? (
              <text x={left + 4} y={22}>
                {`${s.override ? '⟳ ' : ''}${nameOf(names, s.userId)}`}
              </text>
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}

function ShiftTable({ shifts, names }: { shifts: Shift[]; names: Names }) {
  return (
    <table class="shift-table">
      <thead>
        <tr>
          <th scope="col">Who</th>
          <th scope="col">From</th>
          <th scope="col">Until</th>
          <th scope="col">Override</th>
        </tr>
      </thead>
      <tbody>
        {shifts.map((s) => (
          <tr class={s.override ? 'override' : ''}>
            <td>{nameOf(names, s.userId)}</td>
            <td>
              <When at={s.start} />
            </td>
            <td>
              <When at={s.end} />
            </td>
            <td>{s.override ? 'override' : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function OnCallPage(props: Chrome & { view: OnCallView }) {
  const v = props.view;
  return (
    <Layout {...props}>
      <h1>On call now</h1>
      <section aria-labelledby="mine">
        <h2 id="mine">My shifts</h2>
        {v.mine === undefined ? (
          <p class="muted">Sign in with a personal token to see your shifts.</p>
        ) : v.mine.length === 0 ? (
          <p>No shifts in the next two weeks.</p>
        ) : (
          <ul>
            {v.mine.map((m) => (
              <li>
                {m.schedule}: <When at={m.shift.start} /> – <When at={m.shift.end} />
                {m.shift.override ? ' (override)' : ''}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="services">
        <h2 id="services">Who would be paged, by service</h2>
        <div class="cards">
          {v.services.map((s) => (
            <article class="card">
              <h3>{s.name}</h3>
              {s.inMaintenance ? <p class="notice">In a maintenance window: nobody is paged.</p> : null}
              {s.policy ? null : <p class="muted">No escalation policy found.</p>}
              <ol class="levels">
                {s.levels.map((l) => (
                  <li>
                    Level {l.level}: {namesOf(v.names, l.userIds)}
                    <span class="muted"> ({l.delayMinutes} min to acknowledge)</span>
                  </li>
                ))}
              </ol>
            </article>
          ))}
        </div>
      </section>
      <section aria-labelledby="schedules">
        <h2 id="schedules">Schedules: the next two weeks</h2>
        <p class="muted">
          From <When at={v.from} /> to <When at={v.to} />; one mark per day; overrides are outlined and marked ⟳.
        </p>
        {v.schedules.map((s) => (
          <article class="schedule">
            <h3>
              {s.name} <span class="muted">({s.timeZone})</span>
            </h3>
            <ShiftBars shifts={s.shifts} from={v.from} to={v.to} names={v.names} />
            <details>
              <summary>Shifts as a table</summary>
              <ShiftTable shifts={s.shifts} names={v.names} />
            </details>
          </article>
        ))}
      </section>
    </Layout>
  );
}
