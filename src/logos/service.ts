// Hosts' and teams' logos (issue #31, docs/DESIGN.md "Logo"): checked from their bytes (src/branding/logo.ts), stored
// in R2 under their content hash, and set on the owner's row. Objects are never deleted: two owners who upload the same
// file share one object, and an old key may still be cached in sent emails for a while.
import type { Bindings } from '../env';
import { ApiError } from '../lib/errors';
import { sha256HexOfBytes } from '../lib/crypto';
import type { Db } from '../db/client';
import type { User } from '../db/schema';
import { checkLogo, LOGO_KEY, LOGO_TYPES, MAX_LOGO_BYTES, type LogoExt } from '../branding/logo';
import { updateUser } from '../users/repo';
import { managedTeam } from '../teams/service';
import { updateTeamLogo } from '../teams/repo';

const REFUSAL_CODES = { too_large: 'payload_too_large', unsupported: 'unsupported_media_type', unsafe: 'validation_failed' } as const;

/** Reads at most MAX_LOGO_BYTES + 1 bytes of a body (a larger one is refused without reading it all). */
export async function readUpload(body: ReadableStream<Uint8Array> | null): Promise<Uint8Array<ArrayBuffer>> {
  if (!body) return new Uint8Array();
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_LOGO_BYTES) {
      await reader.cancel();
      throw new ApiError('payload_too_large', `A logo may be at most ${MAX_LOGO_BYTES / 1024} KiB`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

/** Checks the bytes and stores them (once per content): the logo's key, or a 400/413/415 saying why not. */
export async function storeLogo(env: Pick<Bindings, 'LOGOS'>, bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const verdict = checkLogo(bytes);
  if (!verdict.ok) throw new ApiError(REFUSAL_CODES[verdict.refusal], verdict.reason);
  const key = `${await sha256HexOfBytes(bytes)}.${verdict.ext}`;
  if (!(await env.LOGOS.head(key))) await env.LOGOS.put(key, bytes, { httpMetadata: { contentType: verdict.contentType } });
  return key;
}

/** The stored logo by key with its type (from the key, which came from the bytes), or null. */
export async function readLogo(env: Pick<Bindings, 'LOGOS'>, key: string): Promise<{ body: ReadableStream; contentType: string; ext: LogoExt } | null> {
  if (!LOGO_KEY.test(key)) return null;
  const object = await env.LOGOS.get(key);
  if (!object) return null;
  const ext = key.slice(key.indexOf('.') + 1) as LogoExt;
  return { body: object.body, contentType: LOGO_TYPES[ext], ext };
}

/** A user's logo set (a key) or removed (null). */
export const setUserLogo = (db: Db, userId: number, key: string | null) => updateUser(db, userId, { logo: key });

/**
 * A team's logo, by its owners and admins (404 for outsiders, 403 for plain members, before the bytes are looked at
 * or stored): the uploaded bytes stored as its logo, or null to remove it. Answers the key.
 */
export async function setTeamLogo(db: Db, env: Pick<Bindings, 'LOGOS'>, actor: User, teamId: number, bytes: Uint8Array<ArrayBuffer> | null): Promise<string | null> {
  await managedTeam(db, actor, teamId);
  const key = bytes ? await storeLogo(env, bytes) : null;
  await updateTeamLogo(db, teamId, key);
  return key;
}
