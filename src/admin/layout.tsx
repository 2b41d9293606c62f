// The admin's Layout (header, tabs, flash) and its page head; the document, stylesheet and form pieces are shared
// with the public pages in src/web/.
import type { Child, FC, PropsWithChildren } from 'hono/jsx';
import { Badge, PostButton, FlashMessage } from '../web/components';
import { Document } from '../web/document';
import { BRANDING_ADMIN_STYLES } from '../web/styles';
import type { Page } from './http';

export { Badge, Checkbox, CsrfField, Empty, ErrorSummary, Field, ListTable, Pager, PostButton, type Tone } from '../web/components';

export type Tab = 'event-types' | 'bookings' | 'webhooks' | 'calendars' | 'emails' | 'teams' | 'branding';

const TABS: { id: Tab; label: string; href: string }[] = [
  { id: 'event-types', label: 'Event Types', href: '/admin/event-types' },
  { id: 'bookings', label: 'Bookings', href: '/admin/bookings' },
  { id: 'webhooks', label: 'Webhooks', href: '/admin/webhooks' },
  { id: 'calendars', label: 'Calendars', href: '/admin/calendars' },
  { id: 'emails', label: 'Messages', href: '/admin/emails' },
  { id: 'teams', label: 'Teams', href: '/admin/teams' },
  { id: 'branding', label: 'Branding', href: '/admin/branding' },
];

export const Layout: FC<PropsWithChildren<{ page: Page; title: string; tab?: Tab }>> = ({ page, title, tab, children }) => (
  <Document title={`${title} · calflare admin`} nonce={page.nonce} extraStyles={tab === 'branding' ? BRANDING_ADMIN_STYLES : undefined}>
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

export const ActiveBadge: FC<{ active: boolean }> = ({ active }) => (active ? <Badge tone="ok">Active</Badge> : <Badge tone="plain">Inactive</Badge>);

/**
 * A list row's actions on the resource at `href`: switch it on or off (the target state travels in the form, so a
 * double click cannot flip it back), `children`, Edit and Delete.
 */
export const RowActions: FC<PropsWithChildren<{ href: string; active: boolean; csrf: string; back: string }>> = ({ href, active, csrf, back, children }) => (
  <div class="actions">
    <PostButton action={`${href}/active`} csrf={csrf} label={active ? 'Deactivate' : 'Activate'} hidden={{ active: active ? 'false' : 'true', back }} />
    {children}
    <a class="btn small" href={`${href}/edit`}>
      Edit
    </a>
    <a class="btn small danger" href={`${href}/delete`}>
      Delete
    </a>
  </div>
);

/** "Delete this?": `children` say what goes with it; the button posts to `action`, "Keep it" goes back to `back`. */
export const ConfirmDelete: FC<PropsWithChildren<{ page: Page; tab: Tab; title: string; heading: Child; action: string; label: string; back: string }>> = (p) => (
  <Layout page={p.page} title={p.title} tab={p.tab}>
    <div class="panel confirm">
      <h1>{p.heading}</h1>
      {p.children}
      <div class="actions">
        <PostButton action={p.action} csrf={p.page.csrf} label={p.label} class="btn danger solid" />
        <a class="btn" href={p.back}>
          Keep it
        </a>
      </div>
    </div>
  </Layout>
);
