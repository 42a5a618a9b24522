import type { MaintenanceWindow } from '../../domain/config/service';
import { Layout, type Chrome } from './layout';
import { When } from './format';

export interface ServicesView {
  services: Array<{
    id: string;
    name: string;
    tier: number;
    team: string;
    open: { triggered: number; acknowledged: number };
    maintenance: MaintenanceWindow[];
    endpoints: Array<{ label: string; value: string }>;
  }>;
  /** Integration keys are credentials: only admins see them whole. */
  keysShown: boolean;
  now: number;
}

function Endpoint({ id, label, value }: { id: string; label: string; value: string }) {
  return (
    <div class="endpoint">
      <label for={id}>{label}</label>
      <span class="copy-row">
        <input id={id} readonly value={value} />
        <button type="button" data-copy={id} hidden>
          Copy
        </button>
      </span>
    </div>
  );
}

export function ServicesPage(props: Chrome & { view: ServicesView }) {
  const v = props.view;
  return (
    <Layout {...props}>
      <h1>Services</h1>
      {v.keysShown ? null : <p class="muted">Integration keys are shown to admins only.</p>}
      <div class="cards" data-live="services">
        {v.services.map((s) => (
          <article class="card service">
            <h2>{s.name}</h2>
            <p>
              Tier {s.tier} · team {s.team} ·{' '}
              <a href={`/incidents?service=${encodeURIComponent(s.id)}`}>
                <strong class={s.open.triggered > 0 ? 'hot' : ''}>{s.open.triggered} triggered</strong>,{' '}
                {s.open.acknowledged} acknowledged
              </a>
            </p>
            <h3>Maintenance windows</h3>
            {s.maintenance.length === 0 ? (
              <p class="muted">None.</p>
            ) : (
              <ul>
                {s.maintenance.map((w) => (
                  <li class={Date.parse(String(w.start)) <= v.now ? 'now' : ''}>
                    <When at={String(w.start)} /> – <When at={String(w.end)} />
                    {w.reason ? `: ${w.reason}` : ''}
                  </li>
                ))}
              </ul>
            )}
            <h3>Integration endpoints</h3>
            {s.endpoints.map((e, i) => (
              <Endpoint id={`ep-${s.id}-${i}`} label={e.label} value={e.value} />
            ))}
          </article>
        ))}
      </div>
    </Layout>
  );
}
