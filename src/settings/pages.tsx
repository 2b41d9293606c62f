// The host's own pages (/settings): sign-in and "Calendars", where a host connects Google or Outlook and picks the
// calendar their bookings are written into. Server-rendered, plain forms, no JavaScript; readable on a phone.
import type { Child, FC, PropsWithChildren } from 'hono/jsx';
import type { CalendarConnection, CalendarSource, OAuthProvider, User } from '../db/schema';
import type { ConnectionStatus } from '../calendars/repo';
import type { ErrorIssue } from '../lib/errors';
import { Badge, CsrfField, Empty, ErrorSummary, Field, FlashMessage, PostButton, type Tone } from '../web/components';
import { Document } from '../web/document';
import type { Flash } from '../web/http';

export interface AccountPage {
  user: User | null;
  csrf: string;
  nonce: string;
  flash: Flash | null;
}

export const AccountLayout: FC<PropsWithChildren<{ page: AccountPage; title: string }>> = ({ page, title, children }) => (
  <Document title={`${title} · calflare`} nonce={page.nonce} robots="noindex">
    <header class="top">
      <div class="wrap top-row">
        <a class="brand" href="/settings/calendars">
          calflare <span>settings</span>
        </a>
        {page.user && (
          <div class="who">
            <span>{page.user.email}</span>
            <PostButton action="/settings/logout" csrf={page.csrf} label="Sign out" class="btn small" />
          </div>
        )}
      </div>
    </header>
    <main class="wrap">
      {page.flash && <FlashMessage flash={page.flash} />}
      {children}
    </main>
  </Document>
);

export interface LoginState {
  email: string;
  next: string;
  status?: 400 | 401 | 429;
  message?: string;
  issues?: ErrorIssue[];
}

export const LoginPage: FC<{ page: AccountPage; token: string; state: LoginState }> = ({ page, token, state }) => (
  <AccountLayout page={page} title="Sign in">
    <div class="login panel">
      <h1>Sign in</h1>
      <p class="sub">Your calflare account.</p>
      <ErrorSummary message={state.message} issues={state.issues ?? []} />
      <form method="post" action="/settings/login" class="stack" id="login-form">
        <CsrfField token={token} />
        <input type="hidden" name="next" value={state.next} />
        <Field label="Email" name="email" issues={state.issues}>
          <input type="email" id="email" name="email" value={state.email} autocomplete="username" required autofocus />
        </Field>
        <Field label="Password" name="password" issues={state.issues}>
          <input type="password" id="password" name="password" autocomplete="current-password" required />
        </Field>
        <button type="submit" class="btn primary">
          Sign in
        </button>
      </form>
    </div>
  </AccountLayout>
);

export const PROVIDER_LABELS: Record<OAuthProvider, string> = { google: 'Google', microsoft: 'Outlook' };

const STATUS: Record<ConnectionStatus, { tone: Tone; label: string }> = {
  pending: { tone: 'info', label: 'Connected, first sync pending' },
  ok: { tone: 'ok', label: 'Synced' },
  failing: { tone: 'warn', label: 'Sync failing' },
  stale: { tone: 'bad', label: 'Stale' },
  disabled: { tone: 'plain', label: 'Busy time off' },
  reauth_required: { tone: 'bad', label: 'Connect again' },
};

/** A writable connection and its calendars (Google / Microsoft: read live; null when the provider could not say). */
export interface DestinationChoice {
  connection: CalendarConnection;
  calendars: CalendarSource[] | null;
}

export interface CalendarsView {
  connections: { c: CalendarConnection; status: ConnectionStatus }[];
  providers: OAuthProvider[];
  choices: DestinationChoice[];
  /** The current destination as the form's value (`<connection id>` or `<connection id>:<calendar id>`). */
  destination: string | null;
  /** A connection just made or renewed (the provider sent the host back), or why that failed. */
  connected: CalendarConnection | null;
  failed: string | null;
}

const label = (c: CalendarConnection) => `${c.name ?? 'Calendar'} · ${c.account ?? c.urlDisplay}`;

export const CalendarsPage: FC<{ page: AccountPage; view: CalendarsView }> = ({ page, view }) => (
  <AccountLayout page={page} title="Calendars">
    <div class="head">
      <div>
        <h1>Calendars</h1>
        <p class="sub">Busy time in these calendars blocks your slots; your bookings are written into the one you choose.</p>
      </div>
    </div>
    {view.connected && (
      <div class="flash ok" role="status" id="connected">
        Connected: {label(view.connected)}. Now choose where your bookings go.
      </div>
    )}
    {view.failed && (
      <div class="flash error" role="alert" id="connect-failed">
        {view.failed}
      </div>
    )}
    <section class="panel stack" id="connect">
      <h2>Connect a calendar</h2>
      {view.providers.length === 0 ? (
        <p class="muted">No calendar provider is set up on this server.</p>
      ) : (
        <div class="actions">
          {view.providers.map((p) => (
            <PostButton action={`/settings/calendars/connect/${p}`} csrf={page.csrf} label={`Connect ${PROVIDER_LABELS[p]}`} class="btn primary" />
          ))}
        </div>
      )}
    </section>
    <section class="panel stack" id="connections">
      <h2>Your connections</h2>
      {view.connections.length === 0 ? (
        <Empty title="No calendar connected yet" />
      ) : (
        <ul class="stack">
          {view.connections.map(({ c, status }) => (
            <li id={`calendar-${c.id}`} class="break">
              <strong>{c.name ?? 'Calendar'}</strong> <span class="muted">{c.account ?? c.urlDisplay}</span>{' '}
              <Badge tone={STATUS[status].tone}>{STATUS[status].label}</Badge>
              {c.lastError && <div class="small">{c.lastError}</div>}
              {status === 'reauth_required' && c.kind !== 'ics' && c.kind !== 'caldav' && (
                <PostButton action={`/settings/calendars/connect/${c.kind}`} csrf={page.csrf} label={`Connect ${PROVIDER_LABELS[c.kind]} again`} />
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
    <DestinationForm page={page} view={view} />
  </AccountLayout>
);

const DestinationForm: FC<{ page: AccountPage; view: CalendarsView }> = ({ page, view }) => {
  if (view.choices.length === 0) return null;
  const options: { value: string; text: string }[] = view.choices.flatMap(({ connection: c, calendars }) => {
    if (c.kind === 'caldav' || !calendars) return [{ value: String(c.id), text: `${label(c)}${c.kind === 'caldav' ? '' : ' · main calendar'}` }];
    return calendars.map((cal) => ({ value: `${c.id}:${cal.id}`, text: `${label(c)} · ${cal.name}${cal.primary ? ' (main)' : ''}` }));
  });
  return (
    <section class="panel stack" id="destination">
      <h2>Write bookings into</h2>
      <form method="post" action="/settings/calendars/destination" class="stack">
        <CsrfField token={page.csrf} />
        <Field label="Calendar" name="calendar">
          <select id="calendar" name="calendar" required>
            {view.destination === null && <option value="">Choose a calendar</option>}
            {options.map((o) => (
              <option value={o.value} selected={o.value === view.destination}>
                {o.text}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit" class="btn primary">
          Save
        </button>
      </form>
    </section>
  );
};

export const AccountError: FC<{ page: AccountPage; title: string; children: Child }> = ({ page, title, children }) => (
  <AccountLayout page={page} title={title}>
    <div class="panel error-page">
      <h1>{title}</h1>
      <p>{children}</p>
      <a class="btn" href="/settings/calendars">
        Back to your calendars
      </a>
    </div>
  </AccountLayout>
);
