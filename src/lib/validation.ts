import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import { z } from 'zod';
import { canonicalTimeZone, isValidTimeZone } from './time';
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

/**
 * A positive integer from a path or query string, written as plain decimal digits ("12"): not "0x1", "1e0", "+1",
 * " 1" or "012", which Number() would all read, so one id has one spelling.
 */
export const decimalId = z
  .string()
  .regex(/^[1-9]\d{0,15}$/, 'Must be a positive whole number in plain decimal digits')
  .transform(Number)
  .pipe(z.number().max(Number.MAX_SAFE_INTEGER));

/** Positive integer id from a path segment ("12"); anything else will be a 404. */
export const idParam = z.strictObject({ id: decimalId });

// C0 and C1 control characters (NUL, ESC...), bidi embeddings, overrides and isolates (which make text display in
// another order than it is stored: "evil\u202Etxt.exe"), and the Unicode line and paragraph separators.
const CONTROL_SINGLE_LINE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;
// The same, except tab, line feed and carriage return.
const CONTROL_MULTI_LINE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

/** Names, titles and other one-line text: no control or bidi-override characters. */
export const singleLine = (s: string) => !CONTROL_SINGLE_LINE.test(s);
/** Notes, descriptions and reasons: line breaks and tabs allowed, other control and bidi-override characters not. */
export const multiLine = (s: string) => !CONTROL_MULTI_LINE.test(s);
export const NO_CONTROL_CHARS = { message: 'Must not contain control or bidirectional-override characters' };

export const HH_MM = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/** ISO 8601 instant with an explicit offset or Z, e.g. 2025-11-15T14:00:00Z. */
export const isoInstant = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));

export const timeZoneSchema = z.string().refine(isValidTimeZone, { message: 'Unknown IANA timezone' }).transform(canonicalTimeZone);

/** `limit` and `cursor` of every list endpoint. */
export const pageQuery = {
  limit: z
    .string()
    .regex(/^[1-9]\d{0,2}$/, 'Must be a whole number from 1 to 200 in plain decimal digits')
    .transform(Number)
    .pipe(z.number().max(200, 'Must be at most 200'))
    .default(50),
  cursor: z.string().max(200).optional(),
};
