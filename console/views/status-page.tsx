import { INCIDENT_STATUSES, type PageIncidentRecord } from '../../domain/status-page';
import { When } from './format';
import { Csrf } from './layout';

/**
 * What the incident shows on status pages, with a responder's three commands per page
 * incident: post an update, hold back or release, edit the title. The same store, checks and
 * refusals as `/api/v1/incidents/{id}/status-page/...` (api/status-page/commands.ts).
 */
export function StatusPageForms(props: { incidentId: string; pages: PageIncidentRecord[]; csrf?: string }) {
  if (props.pages.length === 0) return null;
  const to = (p: PageIncidentRecord, what: string) =>
    `/incidents/${encodeURIComponent(props.incidentId)}/status-page/${encodeURIComponent(p.pageId)}/${what}`;
  return (
    <section class="status-pages" aria-labelledby="status-pages">
      <h2 id="status-pages">Status pages</h2>
      {props.pages.map((p) => {
        const latest = p.updates.at(-1);
        return (
          <article class={`page-incident page-${p.status}${p.held ? ' held' : ''}`} data-page={p.pageId}>
            <h3>
              {p.pageId}: {p.name}
            </h3>
            <p>
              {p.status}
              {p.held ? ' · held back (not shown)' : ' · shown'}
              {latest ? (
                <>
                  {' '}
                  · last update <When at={latest.createdAt} />: {latest.body}
                </>
              ) : null}
            </p>
            {p.status === 'resolved' ? null : (
              <form method="post" action={to(p, 'updates')}>
                <Csrf token={props.csrf} />
                <label>
                  Status
                  <select name="status">
                    {INCIDENT_STATUSES.map((st) => (
                      <option value={st} selected={st === p.status}>
                        {st}
                      </option>
                    ))}
                  </select>
                </label>
                <label>
                  Update <textarea name="message" required maxlength={4000}></textarea>
                </label>
                <button type="submit">Post update</button>
              </form>
            )}
            <form method="post" action={to(p, 'hold')}>
              <Csrf token={props.csrf} />
              <input type="hidden" name="held" value={p.held ? 'false' : 'true'} />
              <button type="submit">{p.held ? 'Release to the page' : 'Hold back from the page'}</button>
            </form>
            <form method="post" action={to(p, 'edit')}>
              <Csrf token={props.csrf} />
              <label>
                Title <input name="title" required maxlength={200} value={p.name} />
              </label>
              <button type="submit">Edit title</button>
            </form>
          </article>
        );
      })}
    </section>
  );
}
