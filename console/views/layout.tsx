import type { Child } from 'hono/jsx';
import type { ConsoleUser } from '../session';

export interface Chrome {
  title: string;
  user?: ConsoleUser;
  /** The session's CSRF token, put in every form. */
  csrf?: string;
  nav?: 'incidents' | 'on-call' | 'services' | 'reports';
}

export const Csrf = ({ token }: { token?: string }) => <input type="hidden" name="_csrf" value={token ?? ''} />;

const NAV = [
  ['incidents', '/incidents', 'Incidents'],
  ['on-call', '/on-call', 'On call'],
  ['services', '/services', 'Services'],
  ['reports', '/reports', 'Reports'],
] as const;

export function Layout(props: Chrome & { children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · Vigil`}</title>
        <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/assets/console.css" />
        <script src="/assets/console.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <a class="brand" href="/incidents">
            Vigil
          </a>
          {props.user ? (
            <nav aria-label="Main">
              {NAV.map(([key, href, label]) => (
                <a href={href} aria-current={props.nav === key ? 'page' : undefined}>
                  {label}
                </a>
              ))}
            </nav>
          ) : null}
          {props.user ? (
            <form class="who" method="post" action="/sign-out">
              <span>{props.user.name}</span>
              <Csrf token={props.csrf} />
              <button type="submit">Sign out</button>
            </form>
          ) : null}
        </header>
        <main id="main" tabindex={-1}>
          {props.children}
        </main>
      </body>
    </html>
  );
}

/** The outcome of a command: what was done, or why it was refused (the API's words). */
export const Notice = ({ notice }: { notice?: { ok: boolean; text: string } }) =>
  notice ? (
    <p class={notice.ok ? 'notice ok' : 'notice refused'} role={notice.ok ? 'status' : 'alert'}>
      {notice.text}
    </p>
  ) : null;

export function SignInPage(props: { token: string; error?: string; next?: string }) {
  return (
    <Layout title="Sign in">
      <section class="sign-in">
        <h1>Sign in</h1>
        <p>Use your personal API token. The console keeps a session for at most 12 hours.</p>
        <Notice notice={props.error ? { ok: false, text: props.error } : undefined} />
        <form method="post" action="/sign-in">
          <input type="hidden" name="_csrf" value={props.token} />
          {props.next ? <input type="hidden" name="next" value={props.next} /> : null}
          <label for="token">Token</label>
          <input id="token" name="token" type="password" autocomplete="current-password" required autofocus />
          <button type="submit">Sign in</button>
        </form>
      </section>
    </Layout>
  );
}
