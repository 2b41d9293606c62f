// The Teams tab: every team with its members (and their roles), its pending invitations (not members until accepted)
// and its event types with their hosts. Read-only: teams are managed through the API (/v2/teams).
import { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import type { EventType } from '../db/schema';
import { decodeCursor, isPositiveInt, page as pageRows } from '../lib/pagination';
import { teamOverviews, type TeamOverview } from '../teams/repo';
import { listParams, pageOf, type AdminEnv, type Page } from './http';
import { Badge, Empty, Layout, PageHead, Pager } from './layout';

const LIST = '/admin/teams';
const PAGE_SIZE = 25;

const SCHEDULING: Record<NonNullable<EventType['schedulingType']>, string> = { round_robin: 'Round robin', collective: 'Collective' };

const TeamRow: FC<{ t: TeamOverview }> = ({ t }) => (
  <tr id={`team-${t.team.id}`}>
    <td class="stack">
      <div>
        <strong>{t.team.name}</strong>
      </div>
      <div class="muted small mono">/team/{t.team.slug}</div>
    </td>
    <td class="stack small">
      {t.members.map((m) => (
        <div class="member">
          {m.name} <span class="muted">({m.role})</span>
        </div>
      ))}
      {t.invitations.map((i) => (
        <div class="invitation muted">
          Invited, not yet a member: {i.email} ({i.role}), until {new Date(i.expiresAt).toISOString().slice(0, 10)}
        </div>
      ))}
    </td>
    <td class="stack small">
      {t.eventTypes.length === 0 ? (
        <span class="muted">None</span>
      ) : (
        t.eventTypes.map(({ eventType: et, hosts }) => (
          <div class="team-event-type">
            <strong>{et.title}</strong> <Badge tone="info">{SCHEDULING[et.schedulingType ?? 'round_robin']}</Badge>
            {!et.isActive && <Badge tone="plain">Inactive</Badge>}
            <div class="muted">
              Hosts: {hosts.length ? hosts.map((h) => `${h.name}${h.isFixed && et.schedulingType === 'round_robin' ? ' (fixed)' : ''}`).join(', ') : 'none'}
            </div>
          </div>
        ))
      )}
    </td>
  </tr>
);

const TeamList: FC<{ page: Page; rows: TeamOverview[]; next: string | null; first: string | null }> = (p) => (
  <Layout page={p.page} title="Teams" tab="teams">
    <PageHead title="Teams" sub="Teams with their members, pending invitations and their round-robin and collective event types. Teams are managed through the API: members join by accepting an invitation." />
    <div class="table-wrap">
      {p.rows.length === 0 ? (
        <Empty title="No teams yet">A user creates one with POST /v2/teams.</Empty>
      ) : (
        <table id="teams">
          <thead>
            <tr>
              <th>Team</th>
              <th>Members</th>
              <th>Event types</th>
            </tr>
          </thead>
          <tbody>
            {p.rows.map((t) => (
              <TeamRow t={t} />
            ))}
          </tbody>
        </table>
      )}
    </div>
    <Pager count={p.rows.length} next={p.next} first={p.first} />
  </Layout>
);

export const teamPages = new Hono<AdminEnv>().get('/', async (c) => {
  const { cursor, limit, link } = listParams(c, LIST, PAGE_SIZE);
  const afterId = cursor ? decodeCursor(cursor, isPositiveInt) : 0;
  const result = pageRows(await teamOverviews(c.var.db, afterId, limit + 1), limit, (t) => t.team.id);
  const next = result.next_cursor ? link(result.next_cursor) : null;
  return c.html(<TeamList page={pageOf(c)} rows={result.data} next={next} first={cursor ? link() : null} />);
});
