import type { IncidentState } from '../../domain/incident/incident';
import { MAX_SNOOZE_MINUTES } from '../../domain/incident/commands';
import { SEVERITIES } from '../../domain/incident/severity';
import type { PageIncidentRecord } from '../../domain/status-page';
import { CoordinationForms } from './coordination';
import { Csrf } from './layout';
import { StatusPageForms } from './status-page';

export interface ActionsProps {
  state: IncidentState;
  csrf?: string;
  users: Array<{ id: string; name: string }>;
  policies: Array<{ id: string; name: string }>;
  /** The incident's status-page incidents (none: no section). */
  statusPages?: PageIncidentRecord[];
}

/** One form per command, each posting to the console; the workflow answers or refuses. */
export function Actions({ state: s, csrf, users, policies, statusPages }: ActionsProps) {
  const to = (name: string) => `/incidents/${encodeURIComponent(s.incidentId)}/${name}`;
  const open = s.status !== 'resolved';
  return (
    <aside class="actions" aria-label="Actions">
      <h2>Act</h2>
      {open && s.status === 'triggered' ? (
        <form method="post" action={to('acknowledge')}>
          <Csrf token={csrf} />
          <label>
            Note <input name="note" maxlength={2000} />
          </label>
          <button type="submit" class="primary">
            Acknowledge
          </button>
        </form>
      ) : null}
      {open ? (
        <form method="post" action={to('resolve')}>
          <Csrf token={csrf} />
          <label>
            Note <input name="note" maxlength={2000} />
          </label>
          <button type="submit">Resolve</button>
        </form>
      ) : null}
      {open ? (
        <form method="post" action={to('escalate')}>
          <Csrf token={csrf} />
          <button type="submit">Escalate now</button>
        </form>
      ) : null}
      {open ? (
        <form method="post" action={to('reassign')}>
          <Csrf token={csrf} />
          <label>
            Reassign to people
            <select name="toUserIds" multiple size={Math.min(4, Math.max(2, users.length))}>
              {users.map((u) => (
                <option value={u.id}>{u.name}</option>
              ))}
            </select>
          </label>
          <label>
            or to a policy
            <select name="toPolicyId">
              <option value="">—</option>
              {policies.map((p) => (
                <option value={p.id}>{p.name}</option>
              ))}
            </select>
          </label>
          <button type="submit">Reassign</button>
        </form>
      ) : null}
      {open ? (
        <form method="post" action={to('snooze')}>
          <Csrf token={csrf} />
          <label>
            Snooze for (minutes)
            <input name="minutes" type="number" min={1} max={MAX_SNOOZE_MINUTES} value="30" required />
          </label>
          <button type="submit">Snooze</button>
        </form>
      ) : null}
      {open ? (
        <form method="post" action={to('severity')}>
          <Csrf token={csrf} />
          <label>
            Severity
            <select name="severity">
              {SEVERITIES.map((sev) => (
                <option value={sev} selected={sev === s.severity}>
                  {sev}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Change severity</button>
        </form>
      ) : null}
      {open ? <CoordinationForms state={s} csrf={csrf} users={users} /> : null}
      <StatusPageForms incidentId={s.incidentId} pages={statusPages ?? []} csrf={csrf} />
      <form method="post" action={to('notes')}>
        <Csrf token={csrf} />
        <label>
          Note
          <textarea name="text" required maxlength={4000}></textarea>
        </label>
        <button type="submit">Add note</button>
      </form>
    </aside>
  );
}
