// The one Layout and the small pieces every admin page is built from.
import type { Child, FC, PropsWithChildren } from 'hono/jsx';
import { raw } from 'hono/html';
import type { ErrorIssue } from '../lib/errors';
import { CSRF_FIELD } from './csrf';
import type { Flash, Page } from './http';
import { STYLES } from './styles';

export type Tab = 'event-types' | 'bookings' | 'webhooks' | 'calendars' | 'emails';

const TABS: { id: Tab; label: string; href: string }[] = [
  { id: 'event-types', label: 'Event Types', href: '/admin/event-types' },
  { id: 'bookings', label: 'Bookings', href: '/admin/bookings' },
  { id: 'webhooks', label: 'Webhooks', href: '/admin/webhooks' },
  { id: 'calendars', label: 'Calendars', href: '/admin/calendars' },
  { id: 'emails', label: 'Emails', href: '/admin/emails' },
];

// A tiny calendar as a data: URL, so the browser does not ask for /favicon.ico (img-src allows data: only for this).
const FAVICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect x='1' y='2' width='14' height='13' rx='2' fill='%232357d9'/%3E%3Crect x='3' y='6' width='10' height='7' fill='%23fff'/%3E%3C/svg%3E";

export const Layout: FC<PropsWithChildren<{ page: Page; title: string; tab?: Tab }>> = ({ page, title, tab, children }) => (
  <>
    {raw('<!doctype html>')}
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · calflare admin`}</title>
        <link rel="icon" href={FAVICON} />
        <style nonce={page.nonce}>{raw(STYLES)}</style>
      </head>
      <body>
        <header class="top">
          <div class="wrap top-row">
            <a class="brand" href="/admin/bookings">
              calflare <span>admin</span>
            </a>
            {page.user && <SignedIn page={page} />}
          </div>
          {page.user?.role === 'super_admin' && <Tabs active={tab} />}
        </header>
        <main class="wrap">
          {page.flash && <FlashMessage flash={page.flash} />}
          {children}
        </main>
      </body>
    </html>
  </>
);

const Tabs: FC<{ active?: Tab }> = ({ active }) => (
  <nav class="wrap tabs" aria-label="Sections">
    {TABS.map((t) => (
      <a href={t.href} class={t.id === active ? 'tab active' : 'tab'} aria-current={t.id === active ? 'page' : undefined}>
        {t.label}
      </a>
    ))}
  </nav>
);

const SignedIn: FC<{ page: Page }> = ({ page }) => (
  <div class="who">
    <span>{page.user!.email}</span>
    <PostButton action="/admin/logout" csrf={page.csrf} label="Sign out" class="btn small" />
  </div>
);

const FlashMessage: FC<{ flash: Flash }> = ({ flash }) => (
  <div class={`flash ${flash.kind}`} role={flash.kind === 'error' ? 'alert' : 'status'}>
    {flash.text}
    {flash.secret && (
      <>
        <code class="secret" id="generated-secret">
          {flash.secret}
        </code>
        <span class="small">Copy it now: it is shown only this once and cannot be read back.</span>
      </>
    )}
  </div>
);

export const PageHead: FC<PropsWithChildren<{ title: string; sub?: Child }>> = ({ title, sub, children }) => (
  <div class="head">
    <div>
      <h1>{title}</h1>
      {sub && <p class="sub">{sub}</p>}
    </div>
    {children && <div class="actions">{children}</div>}
  </div>
);

export const CsrfField: FC<{ token: string }> = ({ token }) => <input type="hidden" name={CSRF_FIELD} value={token} />;

/** A one-button POST form: every state change is a POST carrying the CSRF token, never a link. */
export const PostButton: FC<{ action: string; csrf: string; label: string; class?: string; hidden?: Record<string, string> }> = (p) => (
  <form method="post" action={p.action}>
    <CsrfField token={p.csrf} />
    {Object.entries(p.hidden ?? {}).map(([name, value]) => (
      <input type="hidden" name={name} value={value} />
    ))}
    <button type="submit" class={p.class ?? 'btn small'}>
      {p.label}
    </button>
  </form>
);

/** Every issue of a failed submission, above the form (the same messages sit next to their fields). */
export const ErrorSummary: FC<{ message?: string; issues: ErrorIssue[] }> = ({ message, issues }) =>
  message || issues.length > 0 ? (
    <div class="errors" role="alert">
      <strong>{message ?? 'Please fix the following:'}</strong>
      {issues.length > 0 && (
        <ul>
          {issues.map((i) => (
            <li>{i.path ? `${i.path}: ${i.message}` : i.message}</li>
          ))}
        </ul>
      )}
    </div>
  ) : null;

export const Field: FC<PropsWithChildren<{ label: string; name: string; issues?: ErrorIssue[]; hint?: string; wide?: boolean }>> = (p) => {
  const mine = (p.issues ?? []).filter((i) => i.path === p.name);
  const classes = ['field', p.wide ? 'wide' : '', mine.length ? 'invalid' : ''].filter(Boolean).join(' ');
  return (
    <div class={classes}>
      <label for={p.name}>{p.label}</label>
      {p.children}
      {p.hint && <span class="hint">{p.hint}</span>}
      {mine.map((i) => (
        <span class="error">{i.message}</span>
      ))}
    </div>
  );
};

export const Checkbox: FC<{ name: string; label: string; checked: boolean; value?: string }> = (p) => (
  <label class="check">
    <input type="checkbox" name={p.name} value={p.value ?? 'on'} checked={p.checked} />
    {p.label}
  </label>
);

export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'plain';
export const Badge: FC<{ tone: Tone; children: Child }> = ({ tone, children }) => (
  <span class={tone === 'plain' ? 'badge' : `badge ${tone}`}>{children}</span>
);

export const Empty: FC<{ title: string; children?: Child }> = ({ title, children }) => (
  <div class="empty">
    <strong>{title}</strong>
    {children}
  </div>
);

export const Pager: FC<{ next: string | null; first?: string | null; count: number }> = ({ next, first, count }) => (
  <div class="pager">
    <span>
      {count} shown{first ? ' · ' : ''}
      {first && <a href={first}>First page</a>}
    </span>
    {next ? (
      <a class="btn small" href={next} rel="next">
        Next page →
      </a>
    ) : (
      <span>End of list</span>
    )}
  </div>
);
