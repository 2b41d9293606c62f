import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { getDb } from './client';

/** Opens the request's database handle once; handlers and services read it as `c.var.db`. */
export const useDb = createMiddleware<AppEnv>(async (c, next) => {
  c.set('db', getDb(c.env.DB));
  await next();
});
