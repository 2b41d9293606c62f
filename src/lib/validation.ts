import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import { z } from 'zod';
import { canonicalTimeZone, isValidTimeZone } from '../slots/time';
import { ApiError, type ErrorIssue } from './errors';

/** Flattens zod issues into DESIGN's `issues: [{path, message}]`, one entry per unknown key. */
export function toIssues(error: { issues: z.core.$ZodIssue[] }): ErrorIssue[] {
  return error.issues.flatMap((issue) => {
    const base = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...base, key].join('.'), message: 'Unknown field' }));
    }
    return [{ path: base.join('.'), message: issue.message }];
  });
}

/**
 * zValidator with our error shape. A bad path parameter means the resource cannot exist, so it is a 404;
 * anything else is a 400 `validation_failed` listing every issue.
 */
export function validate<T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return zValidator(target, schema, (result) => {
    if (result.success) return;
    if (target === 'param') throw new ApiError('not_found', 'Not found');
    throw new ApiError('validation_failed', 'Request validation failed', toIssues(result.error));
  });
}

/** Positive integer id from a path segment ("12"); anything else will be a 404. */
export const idParam = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

export const HH_MM = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/** ISO 8601 instant with an explicit offset or Z, e.g. 2025-11-15T14:00:00Z. */
export const isoInstant = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));

export const timeZoneSchema = z.string().refine(isValidTimeZone, { message: 'Unknown IANA timezone' }).transform(canonicalTimeZone);

/** `limit` and `cursor` of every list endpoint. */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
};
