// Creating webhooks, with the rules that need the database: the owner is active and under the per-owner cap. Shared
// by the API route and the admin page; failures are ApiErrors.
import type { Db } from '../db/client';
import type { User, Webhook } from '../db/schema';
import type { Bindings } from '../env';
import { ApiError } from '../lib/errors';
import { insertWebhook, type WebhookFields } from './repo';

/** The `WEBHOOK_MAX_PER_OWNER` var (default 25). */
export function maxWebhooksPerOwner(env: Pick<Bindings, 'WEBHOOK_MAX_PER_OWNER'>): number {
  const n = Number(env.WEBHOOK_MAX_PER_OWNER);
  return Number.isSafeInteger(n) && n >= 1 ? n : 25;
}

export async function createWebhook(db: Db, env: Bindings, owner: User, fields: WebhookFields): Promise<Webhook> {
  // A deactivated owner's webhooks never fire; one made for them would be dead on arrival.
  if (!owner.isActive) throw new ApiError('validation_failed', 'Request validation failed', [{ path: 'owner_id', message: 'User is deactivated' }]);
  const cap = maxWebhooksPerOwner(env);
  const created = await insertWebhook(db, owner.id, fields, cap);
  // Each webhook turns every booking event into one more outbound POST.
  if (!created) throw new ApiError('conflict', `An owner may have at most ${cap} webhooks; delete one to add another`);
  return created;
}
