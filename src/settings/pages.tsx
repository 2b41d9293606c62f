// The host's own pages (/settings): sign-in and "Calendars", where a host connects Google or Outlook, adds an ICS feed
// or a CalDAV calendar by address, chooses which of an account's calendars count as busy, disconnects one (after a
// confirmation page), and picks the calendar their bookings are written into. Server-rendered, plain forms, no
// JavaScript; readable on a 375 px phone, light or dark as the system says.
import type { Child, FC, PropsWithChildren } from 'hono/jsx';
import type { CalendarConnection, CalendarSource, OAuthProvider, User } from '../db/schema';
import type { ConnectionStatus } from '../calendars/repo';
import type { ErrorIssue } from '../lib/errors';
import { Badge, Checkbox, CsrfField, Empty, ErrorSummary, Field, FlashMessage, PostButton, type Tone } from '../web/components';
import { Document } from '../web/document';
import type { Flash } from '../web/http';

export interface AccountPage {
  user: User | null;
  csrf: string;
  nonce: string;
  flash: Flash | null;
}

export const AccountLayout: FC<PropsWithChildren<{ page: AccountPage; title: string }>> = ({ page, title, children }) => (
  <Document title={`${title} · calflare`} nonce={page.nonce} robots="noindex" bodyClass="settings" extraStyles={SETTINGS_STYLES}>
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

// The shared stylesheet is the admin's (light, wide screens); these pages are a host's, often on a phone: the header
// wraps, and the dark palette follows the system. Every colour pair meets WCAG AA (axe runs both schemes in e2e).
const SETTINGS_STYLES = `
body.settings { color-scheme: light dark; }
.settings .wrap { padding: 0 1rem; max-width: 860px; }
.settings .top-row { flex-wrap: wrap; padding-top: .4rem; padding-bottom: .4rem; }
.settings .panel h2 { margin-top: 0; }
.settings .who { flex-wrap: wrap; min-width: 0; }
.settings .who span, .settings .break { overflow-wrap: anywhere; }
.settings .conn { border-top: 1px solid var(--line); padding-top: .8rem; }
.settings .conn:first-child { border-top: 0; padding-top: 0; }
.settings ul.stack { list-style: none; margin: 0; padding: 0; }
.settings fieldset { border: 0; margin: 0; padding: 0; min-width: 0; }
.settings legend { font-weight: 600; font-size: .85rem; padding: 0; margin-bottom: .35rem; }
.settings .add { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 320px), 1fr)); gap: 1rem; }
.settings h3 { font-size: 1rem; margin: 0; }
.settings .panel + .panel { margin-top: 1rem; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #11151b; --panel: #1a2028; --ink: #e7eaef; --muted: #a9b3c0; --line: #323b47; --soft: #232a34;
    --accent: #8db0ff; --accent-ink: #0b1220; --danger: #ff8f8f; --ok: #7fdba6; --warn: #f2c46b; }
  .settings input, .settings select { background: #0f1318; color: var(--ink); border-color: #4a5566; }
  .settings .errors, .settings .flash.error { background: #3a1d1f; border-color: #7a3b3f; color: #ffd6d6; }
  .settings .flash.ok { background: #173325; border-color: #2f6b4c; color: #cdeedb; }
  .settings .badge { background: var(--soft); color: var(--ink); }
  .settings .badge.ok { background: #173325; color: #9be3b9; }
  .settings .badge.info { background: #22304a; color: #c4d5ff; }
  .settings .badge.warn { background: #3a2d12; color: #f6d28e; }
  .settings .badge.bad { background: #3a1d1f; color: #ffb3b3; }
  .settings .btn { background: var(--soft); color: var(--ink); border-color: var(--line); }
  .settings .btn.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-ink); }
  .settings .btn.primary:hover { background: #a9c3ff; }
  .settings .btn.danger { color: #ffb3b3; border-color: #7a3b3f; }
  .settings .btn.danger.solid { background: #b33a3a; color: #fff; }
}
`;

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
  /** An "add by address" form sent back with what was wrong (the password is never sent back). */
  add?: AddAttempt;
  /** The busy-calendars form of one connection sent back with why it was refused. */
  sourcesError?: { connectionId: number; message: string };
}

export type AddKind = 'ics' | 'caldav';
export interface AddAttempt {
  kind: AddKind;
  values: Record<string, string>;
  message?: string;
  issues: ErrorIssue[];
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
            <li id={`calendar-${c.id}`} class="conn stack">
              <div class="break">
                <strong>{c.name ?? 'Calendar'}</strong> <span class="muted">{KIND_LABELS[c.kind]} · {c.account ?? c.urlDisplay}</span>{' '}
                <Badge tone={STATUS[status].tone}>{STATUS[status].label}</Badge>
              </div>
              {c.lastError && <div class="small break">{c.lastError}</div>}
              <BusyCalendars page={page} view={view} c={c} />
              <div class="actions">
                {status === 'reauth_required' && c.kind !== 'ics' && c.kind !== 'caldav' && (
                  <PostButton action={`/settings/calendars/connect/${c.kind}`} csrf={page.csrf} label={`Connect ${PROVIDER_LABELS[c.kind]} again`} />
                )}
                <a class="btn small danger" href={`/settings/calendars/${c.id}/disconnect`} aria-label={`Disconnect ${label(c)}`}>
                  Disconnect
                </a>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
    <DestinationForm page={page} view={view} />
    <AddByAddress page={page} add={view.add} />
  </AccountLayout>
);

const KIND_LABELS: Record<CalendarConnection['kind'], string> = { google: 'Google', microsoft: 'Outlook', caldav: 'CalDAV', ics: 'ICS feed' };

/** Google / Outlook: one form of checkboxes, the account's calendars whose events count as busy. */
const BusyCalendars: FC<{ page: AccountPage; view: CalendarsView; c: CalendarConnection }> = ({ page, view, c }) => {
  if (c.kind !== 'google' && c.kind !== 'microsoft') return null;
  const error = view.sourcesError?.connectionId === c.id ? (
    <div class="errors" role="alert">
      {view.sourcesError.message}
    </div>
  ) : null;
  // A connection that must be connected again reads nothing: its badge and button say so.
  if (c.reauthRequired) return error;
  const calendars = view.choices.find((x) => x.connection.id === c.id)?.calendars;
  if (!calendars) {
    return (
      <>
        {error}
        <div class="muted small">This account's calendars could not be read just now; the calendars chosen before still count as busy.</div>
      </>
    );
  }
  return (
    <form method="post" action={`/settings/calendars/${c.id}/sources`} class="stack" id={`sources-${c.id}`}>
      <CsrfField token={page.csrf} />
      {error}
      <fieldset>
        <legend>Count as busy</legend>
        <div class="checks">
          {calendars.map((cal) => (
            <Checkbox name="selected" value={cal.id} label={`${cal.name}${cal.primary ? ' (main)' : ''}`} checked={cal.selected} />
          ))}
        </div>
      </fieldset>
      <div>
        <button type="submit" class="btn small">
          Save busy calendars
        </button>
      </div>
    </form>
  );
};

/** The fields of each "add by address" form: [name, label, input type, autocomplete, required, hint]. */
const ADD_FIELDS: Record<AddKind, [string, string, string, string, boolean, string?][]> = {
  ics: [
    ['url', 'Address', 'url', 'off', true, 'The private iCal address (https, or webcal).'],
    ['name', 'Name (optional)', 'text', 'off', false],
  ],
  caldav: [
    ['url', 'Server or calendar address', 'url', 'off', true, 'https; the calendar collection, or the server with a calendar path below.'],
    ['username', 'User name', 'text', 'username', true],
    ['password', 'Password', 'password', 'current-password', true, 'An app-specific password where the server offers one.'],
    ['calendar_path', 'Calendar path (optional)', 'text', 'off', false, 'For example /dav/calendars/user/me/Default/'],
    ['name', 'Name (optional)', 'text', 'off', false],
  ],
};

const ADD_TITLES: Record<AddKind, { title: string; text: string; button: string }> = {
  ics: { title: 'ICS feed', text: 'Read-only: its events block your slots.', button: 'Add ICS feed' },
  caldav: { title: 'CalDAV calendar', text: 'iCloud, Fastmail, Nextcloud…: its events block your slots, and bookings can be written into it.', button: 'Add CalDAV calendar' },
};

/** Adding an ICS feed or a CalDAV calendar: one form per kind; a refused one comes back with its fields marked. */
const AddByAddress: FC<{ page: AccountPage; add?: AddAttempt }> = ({ page, add }) => (
  <section class="panel stack" id="add">
    <h2>Add a calendar by address</h2>
    <div class="add">
      {(['ics', 'caldav'] as const).map((kind) => {
        const mine = add?.kind === kind ? add : undefined;
        const ids = Object.fromEntries(ADD_FIELDS[kind].map(([name]) => [name, `${kind}-${name}`]));
        // Field matches issues by its own name: here the field ids, unique on the page.
        const issues = (mine?.issues ?? []).map((i) => ({ ...i, path: ids[i.path] ?? i.path }));
        return (
          <form method="post" action={`/settings/calendars/add/${kind}`} class="stack" id={`add-${kind}`}>
            <CsrfField token={page.csrf} />
            <h3>{ADD_TITLES[kind].title}</h3>
            <p class="muted small">{ADD_TITLES[kind].text}</p>
            {mine && <ErrorSummary message={mine.message} issues={mine.issues} fieldIds={ids} />}
            {ADD_FIELDS[kind].map(([name, text, type, autocomplete, required, hint]) => (
              <Field label={text} name={ids[name]!} issues={issues} hint={hint}>
                <input
                  type={type}
                  id={ids[name]}
                  name={name}
                  value={type === 'password' ? '' : (mine?.values[name] ?? '')}
                  autocomplete={autocomplete}
                  required={required}
                  aria-invalid={issues.some((i) => i.path === ids[name]) ? 'true' : undefined}
                />
              </Field>
            ))}
            <div>
              <button type="submit" class="btn primary">
                {ADD_TITLES[kind].button}
              </button>
            </div>
          </form>
        );
      })}
    </div>
  </section>
);

/** "Disconnect this calendar?": a page of its own, so the step needs no JavaScript. */
export const DisconnectPage: FC<{ page: AccountPage; c: CalendarConnection; destination: boolean }> = ({ page, c, destination }) => (
  <AccountLayout page={page} title="Disconnect calendar">
    <div class="panel confirm stack">
      <h1>Disconnect {label(c)}?</h1>
      <p>
        Its busy time stops blocking your slots
        {c.kind === 'google' || c.kind === 'microsoft' ? `, and calflare's access to your ${PROVIDER_LABELS[c.kind]} account is revoked` : ''}
        {c.kind === 'caldav' ? ', and its password is deleted' : ''}. Events already written into it stay there.
      </p>
      {destination && <p>Your bookings are written into this calendar: after this they are written nowhere until you choose another one.</p>}
      <div class="actions">
        <PostButton action={`/settings/calendars/${c.id}/disconnect`} csrf={page.csrf} label="Disconnect" class="btn danger solid" />
        <a class="btn" href="/settings/calendars">
          Keep it
        </a>
      </div>
    </div>
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
