// D1 access for OAuth connections: authorizations in flight (oauth_states) and the tokens of a connection.
import type { D1Queryable } from '../db/client';
import type { CalendarConnection, OAuthProvider } from '../db/schema';
import { connectionFromRow } from './repo';
import { requeueWritesOf } from './writeback-repo';

export interface PendingAuthorization {
  userId: number;
  sessionHash: string;
  provider: OAuthProvider;
  codeVerifier: string;
  expiresAt: number;
}

/** Authorizations one user may have in flight: the newest ones (a loop of starts cannot fill the table). */
export const MAX_PENDING_AUTHORIZATIONS = 10;

/** A new authorization; the user's expired ones and those beyond the newest MAX_PENDING_AUTHORIZATIONS go in the same batch. */
export async function insertState(d1: D1Queryable, stateHash: string, a: PendingAuthorization, now: number): Promise<void> {
  await d1.batch([
    d1
      .prepare(
        `DELETE FROM oauth_states WHERE user_id = ?1 AND (expires_at < ?2 OR state_hash IN
           (SELECT state_hash FROM oauth_states WHERE user_id = ?1 ORDER BY expires_at DESC LIMIT -1 OFFSET ?3))`,
      )
      .bind(a.userId, now, MAX_PENDING_AUTHORIZATIONS - 1),
    d1
      .prepare('INSERT INTO oauth_states (state_hash, user_id, session_hash, provider, code_verifier, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .bind(stateHash, a.userId, a.sessionHash, a.provider, a.codeVerifier, a.expiresAt, now),
  ]);
}

/** Reads and deletes in one statement: a state is used at most once, whatever comes of it. */
export async function consumeState(d1: D1Queryable, stateHash: string): Promise<PendingAuthorization | null> {
  const row = await d1.prepare('DELETE FROM oauth_states WHERE state_hash = ? RETURNING *').bind(stateHash).first<Record<string, unknown>>();
  if (!row) return null;
  return {
    userId: Number(row.user_id),
    sessionHash: String(row.session_hash),
    provider: row.provider as OAuthProvider,
    codeVerifier: String(row.code_verifier),
    expiresAt: Number(row.expires_at),
  };
}

/** The host's connection of this provider account, if they connected it before (connecting again renews it). */
export async function findAccountConnection(d1: D1Queryable, ownerId: number, provider: OAuthProvider, account: string | null): Promise<CalendarConnection | null> {
  if (account === null) return null;
  const row = await d1
    .prepare('SELECT * FROM calendar_connections WHERE owner_id = ? AND kind = ? AND account = ? ORDER BY id LIMIT 1')
    .bind(ownerId, provider, account)
    .first<Record<string, unknown>>();
  return row ? connectionFromRow(row) : null;
}

/**
 * New tokens for a connection (a reconnect clears reauth_required) and, in the same batch, its failed or waiting
 * write-backs pending again (requeueWritesOf): answers the connection and the write ids to send.
 */
export async function renewTokens(d1: D1Queryable, id: number, secret: string, now: number): Promise<{ connection: CalendarConnection; writeIds: number[] } | null> {
  const [renewed, requeued] = await d1.batch([
    d1
      .prepare('UPDATE calendar_connections SET secret = ?2, reauth_required = 0, reauth_notified_at = NULL, updated_at = ?3 WHERE id = ?1 RETURNING *')
      .bind(id, secret, now),
    requeueWritesOf(d1, id, now),
  ]);
  const row = renewed!.results[0] as Record<string, unknown> | undefined;
  if (!row) return null;
  return { connection: connectionFromRow(row), writeIds: (requeued!.results as { id: number }[]).map((r) => r.id) };
}

/**
 * Stores refreshed tokens only if the stored ones are still those that were refreshed (`previous`): a concurrent
 * refresh that won keeps its (maybe rotated) refresh token. False when it lost; the caller reads the winner's.
 */
export async function swapTokens(d1: D1Queryable, id: number, previous: string, next: string, now: number): Promise<boolean> {
  const row = await d1.prepare('UPDATE calendar_connections SET secret = ?3, updated_at = ?4 WHERE id = ?1 AND secret = ?2 RETURNING id').bind(id, previous, next, now).first();
  return row !== null;
}

export async function readSecret(d1: D1Queryable, id: number): Promise<string | null> {
  const row = await d1.prepare('SELECT secret FROM calendar_connections WHERE id = ?').bind(id).first<{ secret: string }>();
  return row?.secret ?? null;
}

/**
 * The provider refused our refresh token: the connection is marked (once: `reauth_notified_at` keeps the first time),
 * as a statement for a batch with the host's email (calendarReauthInsert), which it gates.
 */
export function markReauthRequired(d1: D1Queryable, id: number, now: number): D1PreparedStatement {
  return d1
    .prepare(
      `UPDATE calendar_connections SET reauth_required = 1, reauth_notified_at = coalesce(reauth_notified_at, ?2), updated_at = ?2
       WHERE id = ?1`,
    )
    .bind(id, now);
}
