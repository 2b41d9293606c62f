// The Webhooks tab: subscriptions of every owner, their delivery log with each attempt, and a test ping.
// A secret is write-only: the only time one appears is a generated one, once, right after create.
import { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { generateSecret } from '../webhooks/signing';
import type { Db } from '../db/client';
import { SUBSCRIBABLE_TRIGGERS, type Webhook, type WebhookDelivery } from '../db/schema';
import { ApiError, foundOr404, type ErrorIssue } from '../lib/errors';
import { pageById } from '../lib/pagination';
import { findUserById } from '../users/repo';
import { pingWebhook } from '../webhooks/consumer';
import { deleteWebhook, findOwnedWebhook, listDeliveries, listWebhooks, updateWebhook } from '../webhooks/repo';
import { createWebhook } from '../webhooks/service';
import { checkSubscriberUrl, privateUrlsAllowed } from '../webhooks/url-guard';
import { activePeople, peopleByIds, type Person } from './data';
import {
  newWebhookValues,
  parseNewWebhook,
  parseOwnerId,
  parseWebhookUpdate,
  webhookValues,
  webhookValuesFrom,
  type WebhookValues,
} from './forms';
import { formOf, idOf, listParams, pageOf, redirectWith, safeReturn, type AdminContext, type AdminEnv, type Page } from './http';
import { ActiveBadge, Badge, Checkbox, ConfirmDelete, CsrfField, Empty, ErrorSummary, ListTable, Field, Layout, PageHead, Pager, PostButton, RowActions, type Tone } from './layout';

const LIST = '/admin/webhooks';
const PAGE_SIZE = 50;
const LOG_PAGE_SIZE = 25;

const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

const Triggers: FC<{ triggers: readonly string[] }> = ({ triggers }) => (
  <div class="chips">
    {triggers.map((t) => (
      <Badge tone="info">{t}</Badge>
    ))}
  </div>
);

const Owner: FC<{ owner?: Person; id: number }> = ({ owner, id }) => (
  <div class="stack">
    <div>{owner?.name ?? `User #${id}`}</div>
    {owner && <div class="muted small nowrap">{owner.email}</div>}
  </div>
);

// ---- List ----

const WebhookRow: FC<{ w: Webhook; owner?: Person; csrf: string; back: string }> = ({ w, owner, csrf, back }) => (
  <tr id={`webhook-${w.id}`}>
    <td class="stack">
      <div class="mono break">{w.subscriberUrl}</div>
      <div class="muted small">#{w.id} · created {utc(w.createdAt)}</div>
    </td>
    <td>
      <Owner owner={owner} id={w.ownerId} />
    </td>
    <td>
      <Triggers triggers={w.eventTriggers} />
    </td>
    <td>
      <ActiveBadge active={w.active} />
    </td>
    <td>
      <RowActions href={`${LIST}/${w.id}`} active={w.active} csrf={csrf} back={back}>
        <a class="btn small" href={`${LIST}/${w.id}/deliveries`}>
          Deliveries
        </a>
        <PostButton action={`${LIST}/${w.id}/ping`} csrf={csrf} label="Send test ping" />
      </RowActions>
    </td>
  </tr>
);

const WebhookList: FC<{ page: Page; rows: Webhook[]; owners: Map<number, Person>; next: string | null; first: string | null; back: string }> = (p) => (
  <Layout page={p.page} title="Webhooks" tab="webhooks">
    <PageHead title="Webhooks" sub="Signed POSTs on booking events. A super admin's webhook hears every booking; a user's, only their own.">
      <a class="btn primary" href={`${LIST}/new`}>
        New webhook
      </a>
    </PageHead>
    <ListTable
      id="webhooks"
      count={p.rows.length}
      columns={['Subscriber URL', 'Owner', 'Triggers', 'Status', 'Actions']}
      empty={<Empty title="No webhooks yet">Add one with “New webhook” to be told about bookings as they happen.</Empty>}
    >
      {p.rows.map((w) => (
        <WebhookRow w={w} owner={p.owners.get(w.ownerId)} csrf={p.page.csrf} back={p.back} />
      ))}
    </ListTable>
    <Pager count={p.rows.length} next={p.next} first={p.first} />
  </Layout>
);

// ---- Create and edit ----

interface FormProps {
  page: Page;
  mode: 'new' | 'edit';
  id?: number;
  values: WebhookValues;
  issues: ErrorIssue[];
  people: Person[];
  owner?: Person;
}

const WebhookForm: FC<FormProps> = (p) => {
  const v = p.values;
  const title = p.mode === 'new' ? 'New webhook' : `Edit webhook #${p.id}`;
  return (
    <Layout page={p.page} title={title} tab="webhooks">
      <PageHead title={title} sub={p.mode === 'edit' && p.owner ? `Owner: ${p.owner.name} (${p.owner.email})` : undefined} />
      <div class="panel narrow">
        <ErrorSummary issues={p.issues} />
        <form method="post" action={p.mode === 'new' ? LIST : `${LIST}/${p.id}`} class="grid" id="webhook-form">
          <CsrfField token={p.page.csrf} />
          {p.mode === 'new' && (
            <Field label="Owner" name="owner_id" issues={p.issues} wide hint="Whose bookings it reports: a super admin's webhook reports all of them.">
              <select id="owner_id" name="owner_id">
                {p.people.map((u) => (
                  <option value={String(u.id)} selected={String(u.id) === v.owner_id}>
                    {`${u.name} (${u.email})`}
                  </option>
                ))}
              </select>
            </Field>
          )}
          <Field label="Subscriber URL" name="subscriber_url" issues={p.issues} wide>
            <input type="url" id="subscriber_url" name="subscriber_url" value={v.subscriber_url} maxlength={2048} required placeholder="https://example.com/webhooks/bookings" />
          </Field>
          <div class={p.issues.some((i) => i.path.startsWith('event_triggers')) ? 'field wide invalid' : 'field wide'}>
            <span class="label">Triggers</span>
            <div class="checks">
              {SUBSCRIBABLE_TRIGGERS.map((t) => (
                <Checkbox name="event_triggers" value={t} label={t} checked={v.event_triggers.includes(t)} />
              ))}
            </div>
            {p.issues
              .filter((i) => i.path.startsWith('event_triggers'))
              .map((i) => (
                <span class="error">{i.message}</span>
              ))}
          </div>
          <Field
            label="Secret"
            name="secret"
            issues={p.issues}
            wide
            hint={p.mode === 'new' ? 'Leave blank to generate one (shown once). 16 to 256 characters.' : 'Leave blank to keep the current secret; it is never shown.'}
          >
            <input type="password" id="secret" name="secret" value="" autocomplete="new-password" maxlength={256} />
          </Field>
          <div class="field wide">
            <Checkbox name="active" label="Active (deliveries are sent)" checked={v.active} />
          </div>
          <div class="form-actions">
            <button type="submit" class="btn primary">
              {p.mode === 'new' ? 'Create webhook' : 'Save changes'}
            </button>
            <a href={LIST}>Cancel</a>
          </div>
        </form>
      </div>
    </Layout>
  );
};

const DeletePage: FC<{ page: Page; w: Webhook }> = ({ page, w }) => (
  <ConfirmDelete page={page} tab="webhooks" title="Delete webhook" heading="Delete this webhook?" action={`${LIST}/${w.id}/delete`} label="Delete webhook" back={LIST}>
    <p class="sub mono">{w.subscriberUrl}</p>
    <p>Its delivery log goes with it, and deliveries still waiting to be sent are dropped. This cannot be undone.</p>
  </ConfirmDelete>
);

// ---- Delivery log ----

const DELIVERY_TONE: Record<WebhookDelivery['status'], Tone> = { delivered: 'ok', pending: 'warn', failed: 'bad' };

const DeliveryRow: FC<{ d: WebhookDelivery }> = ({ d }) => (
  <tr id={`delivery-${d.id}`}>
    <td class="stack">
      <div class="nowrap">{utc(d.createdAt)}</div>
      <div class="muted small mono">{d.eventId}</div>
    </td>
    <td>
      <Badge tone="info">{d.triggerEvent}</Badge>
    </td>
    <td>
      <Badge tone={DELIVERY_TONE[d.status]}>{d.status}</Badge>
    </td>
    <td class="num">{d.attempts}</td>
    <td class="num">{d.lastStatusCode ?? '-'}</td>
    <td class="stack">
      {d.lastError ? <div class="small">{d.lastError}</div> : <span class="muted small">None</span>}
      {d.nextAttemptAt !== null && d.status === 'pending' && <div class="muted small">Next attempt {utc(d.nextAttemptAt)}</div>}
      {d.attemptLog.length > 0 && (
        <details class="inline">
          <summary>{d.attemptLog.length === 1 ? '1 attempt' : `${d.attemptLog.length} attempts`}</summary>
          <ol class="attempts">
            {d.attemptLog.map((a) => (
              <li>
                #{a.attempt} · {utc(a.at)} · {a.status_code === null ? 'no response' : `HTTP ${a.status_code}`} · {a.duration_ms} ms
                {a.error ? ` · ${a.error}` : ''}
              </li>
            ))}
          </ol>
        </details>
      )}
    </td>
  </tr>
);

const DeliveryLog: FC<{ page: Page; w: Webhook; owner?: Person; rows: WebhookDelivery[]; next: string | null; first: string | null }> = (p) => (
  <Layout page={p.page} title={`Deliveries of webhook #${p.w.id}`} tab="webhooks">
    <PageHead title={`Deliveries of webhook #${p.w.id}`} sub={<span class="mono">{p.w.subscriberUrl}</span>}>
      <PostButton action={`${LIST}/${p.w.id}/ping`} csrf={p.page.csrf} label="Send test ping" class="btn primary" />
      <a class="btn" href={`${LIST}/${p.w.id}/edit`}>
        Edit
      </a>
      <a class="btn" href={LIST}>
        All webhooks
      </a>
    </PageHead>
    <div class="panel">
      <dl class="kv">
        <dt>Owner</dt>
        <dd>{p.owner ? `${p.owner.name} (${p.owner.email})` : `User #${p.w.ownerId}`}</dd>
        <dt>Triggers</dt>
        <dd>
          <Triggers triggers={p.w.eventTriggers} />
        </dd>
        <dt>Status</dt>
        <dd>{p.w.active ? <Badge tone="ok">Active</Badge> : <Badge tone="plain">Inactive</Badge>}</dd>
      </dl>
    </div>
    <h2>Delivery log (newest first)</h2>
    <ListTable
      id="deliveries"
      count={p.rows.length}
      columns={['Created', 'Event', 'Status', 'Attempts', 'Last HTTP status', 'Last error and attempts']}
      empty={<Empty title="Nothing delivered yet">Deliveries appear here when a booking event fires, or send a test ping.</Empty>}
    >
      {p.rows.map((d) => (
        <DeliveryRow d={d} />
      ))}
    </ListTable>
    <Pager count={p.rows.length} next={p.next} first={p.first} />
  </Layout>
);

// ---- Handlers ----

async function loadWebhook(c: AdminContext, db: Db): Promise<Webhook> {
  return foundOr404('Webhook', findOwnedWebhook(db, c.get('user')!, idOf(c, 'Webhook')));
}

/** The scheme and host rules of url-guard.ts, as a form issue (the API reports them the same way). */
function urlIssue(env: AdminEnv['Bindings'], url: string): ErrorIssue | null {
  const verdict = checkSubscriberUrl(url, { allowPrivate: privateUrlsAllowed(env) });
  return verdict.ok ? null : { path: 'subscriber_url', message: verdict.reason };
}

async function renderForm(c: AdminContext, db: Db, props: Omit<FormProps, 'page' | 'people' | 'owner'>, status: 200 | 400 = 200) {
  const [people, owner] = await Promise.all([
    props.mode === 'new' ? activePeople(db) : Promise.resolve([]),
    props.mode === 'edit' ? findUserById(db, Number(props.values.owner_id)) : Promise.resolve(undefined),
  ]);
  return c.html(<WebhookForm page={pageOf(c)} {...props} people={people} owner={owner} />, status);
}

export const webhookPages = new Hono<AdminEnv>()
  .get('/', async (c) => {
    const db = c.var.db;
    const { cursor, limit, link } = listParams(c, LIST, PAGE_SIZE);
    const result = await pageById({ limit, cursor }, (afterId = 0, take) => listWebhooks(db, c.get('user')!, { afterId, limit: take }));
    const owners = await peopleByIds(db, result.data.map((w) => w.ownerId));
    const next = result.next_cursor ? link(result.next_cursor) : null;
    return c.html(<WebhookList page={pageOf(c)} rows={result.data} owners={owners} next={next} first={cursor ? link() : null} back={link(cursor)} />);
  })
  .get('/new', async (c) => renderForm(c, c.var.db, { mode: 'new', values: newWebhookValues(c.get('user')!.id), issues: [] }))
  .post('/', async (c) => {
    const db = c.var.db;
    const values = webhookValuesFrom((await formOf(c))!);
    const owner = parseOwnerId(values.owner_id);
    const parsed = parseNewWebhook(values);
    const issues = [...(owner.ok ? [] : owner.issues), ...(parsed.ok ? [] : parsed.issues)];
    if (!owner.ok || !parsed.ok) return renderForm(c, db, { mode: 'new', values, issues }, 400);
    const badUrl = urlIssue(c.env, parsed.data.subscriber_url);
    if (badUrl) return renderForm(c, db, { mode: 'new', values, issues: [badUrl] }, 400);
    const ownerUser = await findUserById(db, owner.data);
    if (!ownerUser) return renderForm(c, db, { mode: 'new', values, issues: [{ path: 'owner_id', message: 'User not found' }] }, 400);
    const generated = parsed.data.secret === undefined ? generateSecret() : undefined;
    let created: Webhook;
    try {
      created = await createWebhook(db, c.env, ownerUser, {
        subscriberUrl: parsed.data.subscriber_url,
        eventTriggers: parsed.data.event_triggers,
        active: parsed.data.active,
        secret: parsed.data.secret ?? generated!,
      });
    } catch (error) {
      // Deactivated owner or cap reached: said on the form, like any other refusal.
      if (!(error instanceof ApiError) || error.status >= 500) throw error;
      return renderForm(c, db, { mode: 'new', values, issues: error.issues ?? [{ path: 'owner_id', message: error.message }] }, 400);
    }
    return redirectWith(c, LIST, {
      kind: 'ok',
      text: generated ? `Webhook #${created.id} created. Its signing secret:` : `Webhook #${created.id} created with the secret you gave.`,
      secret: generated,
    });
  })
  .get('/:id/edit', async (c) => {
    const db = c.var.db;
    const w = await loadWebhook(c, db);
    return renderForm(c, db, { mode: 'edit', id: w.id, values: webhookValues(w), issues: [] });
  })
  .post('/:id', async (c) => {
    const db = c.var.db;
    const w = await loadWebhook(c, db);
    const values = { ...webhookValuesFrom((await formOf(c))!), owner_id: String(w.ownerId) };
    const parsed = parseWebhookUpdate(values);
    if (!parsed.ok) return renderForm(c, db, { mode: 'edit', id: w.id, values, issues: parsed.issues }, 400);
    const badUrl = parsed.data.subscriber_url === undefined ? null : urlIssue(c.env, parsed.data.subscriber_url);
    if (badUrl) return renderForm(c, db, { mode: 'edit', id: w.id, values, issues: [badUrl] }, 400);
    await updateWebhook(db, w.id, {
      subscriberUrl: parsed.data.subscriber_url,
      eventTriggers: parsed.data.event_triggers,
      active: parsed.data.active,
      secret: parsed.data.secret,
    });
    return redirectWith(c, LIST, { kind: 'ok', text: `Webhook #${w.id} saved${parsed.data.secret ? ' with its new secret' : ''}.` });
  })
  .post('/:id/active', async (c) => {
    const db = c.var.db;
    const w = await loadWebhook(c, db);
    const form = (await formOf(c))!;
    // The target state travels in the form, so a double click cannot flip it back.
    const active = form.get('active') === 'true';
    await updateWebhook(db, w.id, { active });
    return redirectWith(c, safeReturn(form.get('back'), LIST), { kind: 'ok', text: `Webhook #${w.id} is now ${active ? 'active' : 'inactive'}.` });
  })
  .get('/:id/delete', async (c) => {
    const w = await loadWebhook(c, c.var.db);
    return c.html(<DeletePage page={pageOf(c)} w={w} />);
  })
  .post('/:id/delete', async (c) => {
    const db = c.var.db;
    const w = await loadWebhook(c, db);
    await deleteWebhook(db, w.id);
    return redirectWith(c, LIST, { kind: 'ok', text: `Webhook #${w.id} deleted.` });
  })
  .get('/:id/deliveries', async (c) => {
    const db = c.var.db;
    const w = await loadWebhook(c, db);
    const { cursor, limit, link } = listParams(c, `${LIST}/${w.id}/deliveries`, LOG_PAGE_SIZE);
    const result = await pageById({ limit, cursor }, (beforeId, take) => listDeliveries(db, w.id, { beforeId: beforeId ?? null, limit: take }));
    const owner = (await peopleByIds(db, [w.ownerId])).get(w.ownerId);
    const next = result.next_cursor ? link(result.next_cursor) : null;
    return c.html(<DeliveryLog page={pageOf(c)} w={w} owner={owner} rows={result.data} next={next} first={cursor ? link() : null} />);
  })
  .post('/:id/ping', async (c) => {
    const db = c.var.db;
    const w = await loadWebhook(c, db);
    const owner = await foundOr404('Webhook', findUserById(db, w.ownerId));
    const d = await pingWebhook(db, c.env, w, owner);
    const outcome =
      d.status === 'delivered'
        ? { kind: 'ok' as const, text: `Test ping delivered: HTTP ${d.lastStatusCode} in ${d.lastDurationMs} ms.` }
        : { kind: 'error' as const, text: `Test ping failed: ${d.lastError ?? 'no response'}.` };
    return redirectWith(c, `${LIST}/${w.id}/deliveries`, outcome);
  });
