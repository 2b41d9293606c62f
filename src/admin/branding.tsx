// The Branding tab (issue #31): per user and per team, the colours with their contrast verdict, the logo, the badge,
// the default language and the embed origins, and the embed snippet for each of the three modes. Plain forms, no
// JavaScript: the verdict is computed by the server for the saved colours and for "Check contrast" (which re-renders
// the form with the typed colours, saving nothing). The same schemas and services as the API.
import { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { z } from 'zod';
import { AA, contrast, inkOn, mix, readableOn } from '../branding/contrast';
import { logoPath, MAX_LOGO_BYTES } from '../branding/logo';
import { brandingChanges, brandingFields } from '../branding/schemas';
import { THEMES } from '../branding/theme';
import { findHostPage, findTeamPage } from '../booker/repo';
import type { Team, User } from '../db/schema';
import { LANGUAGE_NAMES } from '../booker/ui';
import { LOCALES } from '../i18n/locales';
import { ApiError, notFound, type ErrorIssue } from '../lib/errors';
import { toIssues } from '../lib/validation';
import { readUpload, storeLogo } from '../logos/service';
import { findTeamAccess, listTeams, updateTeam, updateTeamLogo } from '../teams/repo';
import { findUserById, updateUser } from '../users/repo';
import { activePeople } from './data';
import { field, formOf, idOf, pageOf, redirectWith, type AdminContext, type AdminEnv, type Page } from './http';
import { Checkbox, CsrfField, ErrorSummary, Field, Layout, PageHead, PostButton } from './layout';

const LIST = '/admin/branding';
// The surfaces of the public pages (src/branding/theme.ts): the verdict is against the same ones.
const LIGHT = ['#f6f7f9', '#ffffff'];
const DARK = ['#11151b', '#1a2028'];

type OwnerKind = 'users' | 'teams';
interface Owner {
  kind: OwnerKind;
  id: number;
  name: string;
  /** Where its pages are: `/{username}` or `/team/{slug}`. */
  path: string;
  row: Pick<User | Team, 'brandColor' | 'brandColorDark' | 'hideBranding' | 'theme' | 'locale' | 'embedOrigins' | 'logo'>;
}

async function ownerOf(c: AdminContext, kind: OwnerKind, id: number): Promise<Owner> {
  if (kind === 'users') {
    const user = await findUserById(c.var.db, id);
    if (!user) throw notFound('User');
    return { kind, id, name: user.name, path: `/${user.username}`, row: user };
  }
  const access = await findTeamAccess(c.var.db, c.get('user')!, id);
  if (!access) throw notFound('Team');
  return { kind, id, name: access.team.name, path: `/team/${access.team.slug}`, row: access.team };
}

/** The form's values as typed: colours as text (blank: the default), origins one per line. */
interface Values {
  brand_color: string;
  brand_color_dark: string;
  theme: string;
  locale: string;
  hide_branding: boolean;
  embed_origins: string;
}

const valuesOf = (row: Owner['row']): Values => ({
  brand_color: row.brandColor ?? '',
  brand_color_dark: row.brandColorDark ?? '',
  theme: row.theme,
  locale: row.locale,
  hide_branding: row.hideBranding,
  embed_origins: row.embedOrigins.join('\n'),
});

const valuesFrom = (form: FormData): Values => ({
  brand_color: field(form, 'brand_color').trim(),
  brand_color_dark: field(form, 'brand_color_dark').trim(),
  theme: field(form, 'theme'),
  locale: field(form, 'locale'),
  hide_branding: form.has('hide_branding'),
  embed_origins: field(form, 'embed_origins'),
});

const brandingBody = z.strictObject(brandingFields);

function parse(v: Values) {
  return brandingBody.safeParse({
    brand_color: v.brand_color || null,
    brand_color_dark: v.brand_color_dark || null,
    theme: v.theme,
    locale: v.locale,
    hide_branding: v.hide_branding,
    embed_origins: v.embed_origins.split(/\s+/).filter(Boolean),
  });
}

/** What the pages do with a colour: the text on it, and the colour links and times are printed in. */
export function contrastVerdict(color: string, surfaces: readonly string[]): { ink: string; inkRatio: number; text: string; adjusted: boolean; textRatio: number } {
  const ink = inkOn(color);
  const chip = mix(color, surfaces[1]!, 0.86);
  const text = readableOn(color, [...surfaces, chip]);
  return { ink, inkRatio: contrast(ink, color), text, adjusted: text !== color, textRatio: Math.min(...surfaces.map((s) => contrast(text, s))) };
}

const ratio = (n: number) => `${n.toFixed(2)}:1`;

const Verdict: FC<{ label: string; color: string; surfaces: readonly string[] }> = ({ label, color, surfaces }) => {
  if (!/^#[0-9a-fA-F]{6}$/.test(color)) return null;
  const v = contrastVerdict(color.toLowerCase(), surfaces);
  return (
    <li class="verdict">
      <strong>{label}</strong> {color.toLowerCase()}: text on it is {v.ink === '#000000' ? 'black' : 'white'} ({ratio(v.inkRatio)}, AA needs {AA}:1).{' '}
      {v.adjusted ? `Too ${v.ink === '#000000' ? 'light' : 'dark'} as text: links and times use ${v.text} (${ratio(v.textRatio)}).` : `Readable as text (${ratio(v.textRatio)}).`}
    </li>
  );
};

/** The three embed snippets for one of the owner's event types (or the owner's page when it has none). */
export function embedSnippets(origin: string, link: string): { mode: string; code: string }[] {
  const script = `<script src="${origin}/embed.js" async></script>`;
  return [
    { mode: 'Inline', code: `${script}\n<div data-calflare-inline="${link}"></div>` },
    { mode: 'Popup on a button', code: `${script}\n<button type="button" data-calflare-popup="${link}">Book a meeting</button>` },
    { mode: 'Floating button', code: `${script}\n<div data-calflare-floating="${link}" data-calflare-label="Book a meeting"></div>` },
  ];
}

interface FormProps {
  page: Page;
  owner: Owner;
  values: Values;
  issues: ErrorIssue[];
  message?: string;
  checked?: boolean;
  eventTypes: { slug: string; title: string }[];
  chosen: string | null;
  origin: string;
}

const BrandingForm: FC<FormProps> = (p) => {
  const v = p.values;
  const base = `${LIST}/${p.owner.kind}/${p.owner.id}`;
  const link = `${p.owner.path.slice(1)}${p.chosen ? `/${p.chosen}` : ''}`;
  return (
    <Layout page={p.page} title={`Branding of ${p.owner.name}`} tab="branding">
      <PageHead title={`Branding of ${p.owner.name}`} sub={`${p.owner.kind === 'users' ? 'User' : 'Team'} · pages at ${p.owner.path}`} />
      <div class="panel narrow">
        <ErrorSummary message={p.message} issues={p.issues} />
        <form method="post" action={base} class="grid" id="branding-form">
          <CsrfField token={p.page.csrf} />
          <Field label="Brand colour" name="brand_color" issues={p.issues} hint="#rrggbb; blank for the default blue.">
            <input id="brand_color" name="brand_color" value={v.brand_color} placeholder="#2357d9" pattern="#[0-9a-fA-F]{6}" />
          </Field>
          <Field label="Brand colour in the dark theme" name="brand_color_dark" issues={p.issues} hint="Blank: the brand colour.">
            <input id="brand_color_dark" name="brand_color_dark" value={v.brand_color_dark} placeholder="#8db0ff" pattern="#[0-9a-fA-F]{6}" />
          </Field>
          <div class="field wide" id="contrast">
            <span class="label">{p.checked ? 'Contrast of the colours typed (not saved yet)' : 'Contrast'}</span>
            <ul class="verdicts">
              <Verdict label="Light theme" color={v.brand_color || '#2357d9'} surfaces={LIGHT} />
              <Verdict label="Dark theme" color={v.brand_color_dark || v.brand_color || '#8db0ff'} surfaces={DARK} />
            </ul>
          </div>
          <Field label="Theme" name="theme" issues={p.issues}>
            <select id="theme" name="theme">
              {THEMES.map((t) => (
                <option value={t} selected={t === v.theme}>
                  {t === 'system' ? "system (the visitor's setting)" : t}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Default language" name="locale" issues={p.issues} hint="When the visitor's choice and browser name none of ours.">
            <select id="locale" name="locale">
              {LOCALES.map((l) => (
                <option value={l} selected={l === v.locale}>
                  {LANGUAGE_NAMES[l]}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Embed origins" name="embed_origins" issues={p.issues} wide hint="Sites allowed to embed the booking pages, one origin per line (https://www.example.com). Everything else cannot frame them.">
            <textarea id="embed_origins" name="embed_origins" rows={3}>
              {v.embed_origins}
            </textarea>
          </Field>
          <div class="field wide">
            <Checkbox name="hide_branding" label="Hide “Scheduling by calflare” on the pages and in the emails" checked={v.hide_branding} />
          </div>
          <div class="form-actions">
            <button type="submit" class="btn primary" name="action" value="save">
              Save
            </button>
            <button type="submit" class="btn" name="action" value="check">
              Check contrast
            </button>
            <a href={LIST}>Back</a>
          </div>
        </form>
      </div>
      <div class="panel narrow" id="logo">
        <h2>Logo</h2>
        {p.owner.row.logo ? <img class="logo-preview" src={logoPath(p.owner.row.logo)} alt={`Logo of ${p.owner.name}`} height="48" /> : <p class="muted">No logo.</p>}
        <form method="post" action={`${base}/logo`} enctype="multipart/form-data" class="grid">
          <CsrfField token={p.page.csrf} />
          <Field label="Logo file" name="logo" hint={`PNG, JPEG, WebP or SVG, at most ${MAX_LOGO_BYTES / 1024} KiB.`}>
            <input type="file" id="logo" name="logo" accept="image/png,image/jpeg,image/webp,image/svg+xml" required />
          </Field>
          <div class="form-actions">
            <button type="submit" class="btn primary">
              Upload
            </button>
          </div>
        </form>
        {p.owner.row.logo && <PostButton action={`${base}/logo/delete`} csrf={p.page.csrf} label="Remove the logo" class="danger" />}
      </div>
      <div class="panel narrow" id="snippets">
        <h2>Embed snippet</h2>
        <form method="get" action={base} class="grid">
          <Field label="What to embed" name="event_type">
            <select id="event_type" name="event_type">
              <option value="" selected={!p.chosen}>
                The page of all event types
              </option>
              {p.eventTypes.map((et) => (
                <option value={et.slug} selected={et.slug === p.chosen}>
                  {et.title}
                </option>
              ))}
            </select>
          </Field>
          <div class="form-actions">
            <button type="submit" class="btn">
              Show the snippets
            </button>
          </div>
        </form>
        {p.owner.row.embedOrigins.length === 0 && <p class="muted">Add the site's origin above first: until then no site may frame the pages.</p>}
        {embedSnippets(p.origin, link).map((s) => (
          <div class="snippet">
            <h3>{s.mode}</h3>
            <pre class="mono break">
              <code>{s.code}</code>
            </pre>
          </div>
        ))}
        <p class="muted small">
          The page hears of each booking: <code>addEventListener("calflare:booking_successful", (e) =&gt; e.detail.uid)</code>, and of
          each reschedule made in the frame: <code>calflare:booking_rescheduled</code> (same detail, the new times).
        </p>
      </div>
    </Layout>
  );
};

const OwnerIndex: FC<{ page: Page; people: { id: number; name: string; email: string }[]; teams: { id: number; name: string; slug: string }[] }> = (p) => (
  <Layout page={p.page} title="Branding" tab="branding">
    <PageHead title="Branding" sub="Colours, logo, language and embedding of each user's and team's booking pages." />
    <div class="panel narrow">
      <h2>Users</h2>
      <ul id="owners">
        {p.people.map((u) => (
          <li>
            <a href={`${LIST}/users/${u.id}`}>{u.name}</a> <span class="muted small">{u.email}</span>
          </li>
        ))}
      </ul>
      <h2>Teams</h2>
      <ul id="teams">
        {p.teams.map((t) => (
          <li>
            <a href={`${LIST}/teams/${t.id}`}>{t.name}</a> <span class="muted small">/team/{t.slug}</span>
          </li>
        ))}
      </ul>
    </div>
  </Layout>
);

async function render(c: AdminContext, owner: Owner, extra: Partial<FormProps> = {}, status: 200 | 400 = 200) {
  const found = owner.kind === 'users' ? await findHostPage(c.var.db, owner.path.slice(1)) : await findTeamPage(c.var.db, owner.path.slice('/team/'.length));
  const eventTypes = found?.eventTypes ?? [];
  const asked = c.req.query('event_type');
  const chosen = eventTypes.some((et) => et.slug === asked) ? asked! : null;
  const props: FormProps = { page: pageOf(c), owner, values: valuesOf(owner.row), issues: [], eventTypes, chosen, origin: new URL(c.req.url).origin, ...extra };
  return c.html(<BrandingForm {...props} />, status);
}

const kindOf = (c: AdminContext): OwnerKind => (c.req.param('kind') === 'teams' ? 'teams' : 'users');

export const brandingPages = new Hono<AdminEnv>()
  .get('/', async (c) => {
    const [people, teams] = await Promise.all([activePeople(c.var.db), listTeams(c.var.db, c.get('user')!, 0, 200)]);
    return c.html(<OwnerIndex page={pageOf(c)} people={people} teams={teams.map((t) => t.team)} />);
  })
  .get('/:kind{users|teams}/:id', async (c) => render(c, await ownerOf(c, kindOf(c), idOf(c, 'Owner'))))
  .post('/:kind{users|teams}/:id', async (c) => {
    const owner = await ownerOf(c, kindOf(c), idOf(c, 'Owner'));
    const form = await formOf(c);
    const values = form ? valuesFrom(form) : valuesOf(owner.row);
    if (form && field(form, 'action') === 'check') return render(c, owner, { values, checked: true });
    const parsed = parse(values);
    if (!parsed.success) return render(c, owner, { values, issues: toIssues(parsed.error) }, 400);
    if (owner.kind === 'users') await updateUser(c.var.db, owner.id, brandingChanges(parsed.data));
    else await updateTeam(c.var.db, owner.id, parsed.data);
    return redirectWith(c, `${LIST}/${owner.kind}/${owner.id}`, { kind: 'ok', text: 'Branding saved.' });
  })
  .post('/:kind{users|teams}/:id/logo', async (c) => {
    const owner = await ownerOf(c, kindOf(c), idOf(c, 'Owner'));
    const file = (await formOf(c))?.get('logo') as unknown as Blob | string | null | undefined;
    const back = `${LIST}/${owner.kind}/${owner.id}#logo`;
    if (!file || typeof file === 'string' || file.size === 0) return redirectWith(c, back, { kind: 'error', text: 'Choose a file to upload.' });
    try {
      const key = await storeLogo(c.env, await readUpload(file.stream()));
      if (owner.kind === 'users') await updateUser(c.var.db, owner.id, { logo: key });
      else await updateTeamLogo(c.var.db, owner.id, key);
    } catch (error) {
      if (error instanceof ApiError && error.status < 500) return redirectWith(c, back, { kind: 'error', text: `Not uploaded: ${error.message}.` });
      throw error;
    }
    return redirectWith(c, back, { kind: 'ok', text: 'Logo uploaded.' });
  })
  .post('/:kind{users|teams}/:id/logo/delete', async (c) => {
    const owner = await ownerOf(c, kindOf(c), idOf(c, 'Owner'));
    if (owner.kind === 'users') await updateUser(c.var.db, owner.id, { logo: null });
    else await updateTeamLogo(c.var.db, owner.id, null);
    return redirectWith(c, `${LIST}/${owner.kind}/${owner.id}#logo`, { kind: 'ok', text: 'Logo removed.' });
  });
