import { Hono } from 'hono';
import { currentUser, requireSuperAdmin } from '../auth/middleware';
import { hashPassword } from '../auth/crypto';
import { deleteUserSessions } from '../auth/sessions';
import type { AppEnv } from '../env';
import { ApiError, foundOr404 } from '../lib/errors';
import { pageById } from '../lib/pagination';
import { idParam, validate } from '../lib/validation';
import { createUser, findUserById, listUsers, updateUser, userJson } from './repo';
import { brandingChanges } from '../branding/schemas';
import { createUserBody, listUsersQuery, updateUserBody } from './schemas';

export const userRoutes = new Hono<AppEnv>()
  .use(requireSuperAdmin)
  .get('/', validate('query', listUsersQuery), async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const result = await pageById({ limit, cursor }, (afterId = 0, take) => listUsers(c.var.db, afterId, take));
    return c.json({ data: result.data.map(userJson), next_cursor: result.next_cursor });
  })
  .post('/', validate('json', createUserBody), async (c) => {
    const body = c.req.valid('json');
    const user = await createUser(c.var.db, {
      email: body.email,
      username: body.username,
      name: body.name,
      role: body.role,
      timezone: body.timezone,
      passwordHash: await hashPassword(body.password),
    });
    if (!user) throw new ApiError('conflict', 'A user with this email already exists');
    return c.json(userJson(user), 201);
  })
  .get('/:id', validate('param', idParam), async (c) => {
    const user = await foundOr404('User', findUserById(c.var.db, c.req.valid('param').id));
    return c.json(userJson(user));
  })
  .patch('/:id', validate('param', idParam), validate('json', updateUserBody), async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const db = c.var.db;
    if (id === currentUser(c).id && (body.is_active === false || body.role === 'user')) {
      throw new ApiError('conflict', 'You cannot deactivate or demote yourself');
    }
    const user = await foundOr404(
      'User',
      updateUser(db, id, {
        name: body.name,
        username: body.username,
        role: body.role,
        timezone: body.timezone,
        isActive: body.is_active,
        ...brandingChanges(body),
        passwordHash: body.password === undefined ? undefined : await hashPassword(body.password),
      }),
    );
    if (!user.isActive || body.password !== undefined) await deleteUserSessions(db, id);
    return c.json(userJson(user));
  })
  // Users are deactivated, never erased: their bookings and history stay intact.
  .delete('/:id', validate('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    if (id === currentUser(c).id) throw new ApiError('conflict', 'You cannot deactivate yourself');
    const db = c.var.db;
    const user = await foundOr404('User', updateUser(db, id, { isActive: false }));
    await deleteUserSessions(db, id);
    return c.json(userJson(user));
  });
