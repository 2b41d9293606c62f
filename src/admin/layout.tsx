// The admin's Layout (header, tabs, flash) and its page head; the document, stylesheet and form pieces are shared
// with the public pages in src/web/.
import type { Child, FC, PropsWithChildren } from 'hono/jsx';
import { PostButton, FlashMessage } from '../web/components';
import { Document } from '../web/document';
import type { Page } from './http';

export { Badge, Checkbox, CsrfField, Empty, ErrorSummary, Field, ListTable, Pager, PostButton, type Tone } from '../web/components';

export type Tab = 'event-types' | 'bookings' | 'webhooks' | 'calendars' | 'emails' | 'teams';

const TABS: { id: Tab; label: string; href: string }[] = [
  { id: 'event-types', label: 'Event Types', href: '/admin/event-types' },
  { id: 'bookings', label: 'Bookings', href: '/admin/bookings' },
  { id: 'webhooks', label: 'Webhooks', href: '/admin/webhooks' },
  { id: 'calendars', label: 'Calendars', href: '/admin/calendars' },
  { id: 'emails', label: 'Emails', href: '/admin/emails' },
  { id: 'teams', label: 'Teams', href: '/admin/teams' },
];

export const Layout: FC<PropsWithChildren<{ page: Page; title: string; tab?: Tab }>> = ({ page, title, tab, children }) => (
  <Document title={`${title} · calflare admin`} nonce={page.nonce}>
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
  </Document>
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

export const PageHead: FC<PropsWithChildren<{ title: string; sub?: Child }>> = ({ title, sub, children }) => (
  <div class="head">
    <div>
      <h1>{title}</h1>
      {sub && <p class="sub">{sub}</p>}
    </div>
    {children && <div class="actions">{children}</div>}
  </div>
);
