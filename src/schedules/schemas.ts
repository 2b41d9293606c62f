import { z } from 'zod';
import { decimalId, idParam, NO_CONTROL_CHARS, pageQuery, singleLine, timeZoneSchema } from '../lib/validation';
import {
  MAX_AVAILABILITY_RANGES,
  MAX_DATE_OVERRIDES,
  MAX_OVERRIDE_YEAR,
  MIN_OVERRIDE_YEAR,
  availabilityIssues,
  isCalendarDate,
  isEndTime,
  isStartTime,
  overrideIssues,
  overrideListIssues,
  type RuleIssue,
} from './rules';

/** Adapts a pure rule to zod: its issues keep their paths, relative to the value being refined. */
function reportIssues<T>(rule: (value: T) => RuleIssue[]) {
  return (value: T, ctx: z.RefinementCtx) => {
    for (const issue of rule(value)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  };
}

// The descriptions are for the OpenAPI document (a refinement has no JSON Schema of its own); validation is unchanged.
const startTime = z
  .string()
  .refine(isStartTime, { message: 'Use HH:MM between 00:00 and 23:59' })
  .meta({ description: 'HH:MM, 00:00-23:59, wall clock in the schedule’s timezone', examples: ['09:00'] });
const endTime = z
  .string()
  .refine(isEndTime, { message: 'Use HH:MM between 00:00 and 24:00' })
  .meta({ description: 'HH:MM, 00:00-24:00, after start_time', examples: ['17:00'] });

const weeklyRange = z.strictObject({
  day_of_week: z.number().int().min(0).max(6, { message: 'Use 0 (Sunday) to 6 (Saturday)' }),
  start_time: startTime,
  end_time: endTime,
});

const overrideFields = {
  date: z
    .string()
    .refine(isCalendarDate, {
      message: `Use a real calendar date YYYY-MM-DD between ${MIN_OVERRIDE_YEAR} and ${MAX_OVERRIDE_YEAR}`,
    })
    .meta({ description: 'YYYY-MM-DD, a local date in the schedule’s timezone', examples: ['2025-12-24'] }),
  start_time: startTime.nullable().optional(),
  end_time: endTime.nullable().optional(),
};

const availabilityList = z
  .array(weeklyRange)
  .max(MAX_AVAILABILITY_RANGES, { message: `At most ${MAX_AVAILABILITY_RANGES} availability ranges` })
  .superRefine(reportIssues(availabilityIssues));

// Checked as a list, so that clashes between entries of the same date are found too.
const overrideList = z
  .array(z.strictObject(overrideFields))
  .max(MAX_DATE_OVERRIDES, { message: `At most ${MAX_DATE_OVERRIDES} date overrides per schedule` })
  .superRefine(reportIssues(overrideListIssues));

const fields = {
  name: z.string().trim().min(1).max(100).refine(singleLine, NO_CONTROL_CHARS),
  timezone: timeZoneSchema,
  is_default: z.boolean(),
  availability: availabilityList,
  date_overrides: overrideList,
};

export const createScheduleBody = z.strictObject({
  ...fields,
  is_default: fields.is_default.optional(),
  availability: fields.availability.default([]),
  date_overrides: fields.date_overrides.default([]),
  /** Super admins may create a schedule for another user. */
  user_id: z.number().int().positive().optional(),
});

export const updateScheduleBody = z
  .strictObject(fields)
  .partial()
  // Only when the body is otherwise valid: unknown fields are not "nothing", and are reported as such.
  .refine((body) => Object.keys(body).length > 0, { message: 'Nothing to update', when: (payload) => payload.issues.length === 0 });

export const createOverrideBody = z.strictObject(overrideFields).superRefine(reportIssues(overrideIssues));

export const listSchedulesQuery = z.strictObject({
  ...pageQuery,
  user_id: decimalId.optional(),
});

export const overrideParam = idParam.extend({ override_id: idParam.shape.id });

export type WeeklyRangeBody = z.infer<typeof weeklyRange>;
export type OverrideBody = z.infer<typeof createOverrideBody>;
export type CreateScheduleBody = z.infer<typeof createScheduleBody>;
export type UpdateScheduleBody = z.infer<typeof updateScheduleBody>;

// Response shapes (what `scheduleJson` and `overrideJson` answer), for the OpenAPI document and its contract tests.
// Strict, so a field added to a serializer but not here fails those tests instead of going undocumented.
export const dateOverrideResponse = z.strictObject({
  id: z.number().int().positive(),
  date: z.iso.date(),
  start_time: z.string().nullable().describe('Null with end_time null: the whole date is blocked'),
  end_time: z.string().nullable(),
});

export const scheduleResponse = z.strictObject({
  id: z.number().int().positive(),
  user_id: z.number().int().positive(),
  name: z.string(),
  timezone: z.string(),
  is_default: z.boolean(),
  availability: z.array(z.strictObject({ day_of_week: z.number().int().min(0).max(6), start_time: z.string(), end_time: z.string() })),
  date_overrides: z.array(dateOverrideResponse),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});
