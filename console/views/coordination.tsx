import type { IncidentState } from '../../domain/incident/incident';
import { nameOf, type Names } from './format';
import { Csrf } from './layout';

/** The incident's type and role holders, for the facts list. */
export function CoordinationFacts({ state: s, names }: { state: IncidentState; names: Names }) {
  return (
    <>
      <dt>Type</dt>
      <dd>{s.incidentType ?? '—'}</dd>
      <dt>Roles</dt>
      <dd class="roles">
        {(s.roles ?? []).length === 0
          ? 'none held'
          : (s.roles ?? []).map((r) => `${r.roleId}: ${nameOf(names, r.userId)}`).join(' · ')}
      </dd>
    </>
  );
}

/** Set the type; assign, hand over or release a role. Unknown ids are refused with the known ones listed. */
export function CoordinationForms(props: {
  state: IncidentState;
  csrf?: string;
  users: Array<{ id: string; name: string }>;
}) {
  const s = props.state;
  const to = (name: string) => `/incidents/${encodeURIComponent(s.incidentId)}/${name}`;
  return (
    <>
      <form method="post" action={to('type')}>
        <Csrf token={props.csrf} />
        <label>
          Incident type <input name="type" required maxlength={63} value={s.incidentType ?? ''} />
        </label>
        <button type="submit">Set type</button>
      </form>
      <form method="post" action={to('assignRole')}>
        <Csrf token={props.csrf} />
        <label>
          Role <input name="roleId" required maxlength={63} />
        </label>
        <label>
          to
          <select name="userId">
            {props.users.map((u) => (
              <option value={u.id}>{u.name}</option>
            ))}
          </select>
        </label>
        <button type="submit">Assign role</button>
      </form>
      {(s.roles ?? []).length > 0 ? (
        <form method="post" action={to('releaseRole')}>
          <Csrf token={props.csrf} />
          <label>
            Release
            <select name="roleId">
              {(s.roles ?? []).map((r) => (
                <option value={r.roleId}>{r.roleId}</option>
              ))}
            </select>
          </label>
          <button type="submit">Release role</button>
        </form>
      ) : null}
    </>
  );
}
