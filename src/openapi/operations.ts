// The route list of the OpenAPI document, gathered from each resource's `src/<resource>/openapi.ts`: one row per
// `/v2` route, naming the very zod schemas its handler validates with and answers in. test/openapi.test.ts compares
// these rows with `app.routes` both ways, so a route cannot be added or removed without its resource's file following.
import type { z } from 'zod';
import { authDocs } from '../auth/openapi';
import { bookingsDocs } from '../bookings/openapi';
import { calendarFeedsDocs } from '../calendar-feeds/openapi';
import { calendarsDocs } from '../calendars/openapi';
import { eventTypesDocs } from '../event-types/openapi';
import { reservationsDocs } from '../reservations/openapi';
import { schedulesDocs } from '../schedules/openapi';
import { slotsDocs } from '../slots/openapi';
import { usersDocs } from '../users/openapi';
import { webhooksDocs } from '../webhooks/openapi';
import { teamsDocs } from '../teams/openapi';
import { workflowsDocs } from '../workflows/openapi';
import { smsDocs } from '../sms/openapi';
import { paymentsDocs } from '../payments/openapi';
import { logosDocs } from '../logos/openapi';
import { openApiDocs } from './openapi';
import { errorSchema } from './schemas';
import type { Operation, ResourceDocs } from './types';

/** In the order the document lists them (and /docs within each tag). A new resource adds its file's docs here. */
const RESOURCES: ResourceDocs[] = [
  openApiDocs,
  authDocs,
  usersDocs,
  eventTypesDocs,
  workflowsDocs,
  schedulesDocs,
  slotsDocs,
  reservationsDocs,
  bookingsDocs,
  paymentsDocs,
  webhooksDocs,
  calendarFeedsDocs,
  calendarsDocs,
  teamsDocs,
  smsDocs,
  logosDocs,
];

/**
 * One map of named schemas out of several. A name claimed twice, or one zod schema under two names, would make
 * `$ref`s point at the wrong component, so both are refused when the module loads.
 */
export function mergeNamedSchemas(parts: (Record<string, z.ZodType> | undefined)[]): Record<string, z.ZodType> {
  const merged: Record<string, z.ZodType> = {};
  const names = new Map<z.ZodType, string>();
  for (const part of parts) {
    for (const [name, schema] of Object.entries(part ?? {})) {
      if (name in merged) throw new Error(`OpenAPI schema name ${name} is claimed twice`);
      const other = names.get(schema);
      if (other) throw new Error(`One zod schema is named both ${other} and ${name}`);
      merged[name] = schema;
      names.set(schema, name);
    }
  }
  return merged;
}

export const OPERATIONS: Operation[] = RESOURCES.flatMap((r) => r.operations);

// Named schemas, shown under components.schemas and referenced by name. Requests are described as clients send
// them (zod input), responses as the server answers (zod output).
export const REQUEST_SCHEMAS = mergeNamedSchemas(RESOURCES.map((r) => r.requestSchemas));
export const RESPONSE_SCHEMAS = mergeNamedSchemas([{ Error: errorSchema }, ...RESOURCES.map((r) => r.responseSchemas)]);
