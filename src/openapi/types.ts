// The shape of one documented route. Each resource describes its own routes in `src/<resource>/openapi.ts` with these
// types; src/openapi/operations.ts gathers them and document.ts turns them into the OpenAPI document.
import type { z } from 'zod';
import type { ErrorCode } from '../lib/errors';
import type { Tag } from './tags';

/**
 * Who may call: `public` needs no session; `optional` works without one and shows more with one; `session` needs a
 * valid session; `super_admin` needs a session of a super admin.
 */
export type Auth = 'public' | 'optional' | 'session' | 'super_admin';

export interface HeaderParam {
  name: string;
  schema: z.ZodType;
  description: string;
  required?: boolean;
}

export interface Operation {
  operationId: string;
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI style: `{uid}` where Hono has `:uid`. */
  path: string;
  tag: Tag;
  summary: string;
  description?: string;
  auth: Auth;
  params?: z.ZodObject;
  query?: z.ZodType;
  headers?: HeaderParam[];
  /**
   * `required: false` for bodies the handler defaults when absent. `mediaType`: a body that is not JSON (a logo's
   * bytes), documented under that media type with `schema` (a binary string).
   */
  body?: { schema: z.ZodType; required?: boolean; mediaType?: string };
  success: {
    status: 200 | 201 | 202 | 204;
    description: string;
    schema?: z.ZodType;
    /** A body that is not JSON (an iCalendar file): its media type, documented as a string. */
    mediaType?: string;
    headers?: Record<string, string>;
  };
  /**
   * Errors particular to this route, with when they happen. Those that follow from the row's shape are added by the
   * document builder (src/openapi/errors.ts `errorsOf`): 400 with a body, query or header, 404 with path parameters,
   * 401/403 from `auth`, 403 on every write (the cookie-origin check), and 413, 415 and 500 always.
   */
  errors?: Partial<Record<ErrorCode, string>>;
}

/**
 * One resource's part of the document: its routes, naming the very zod schemas the handlers validate with and answer
 * in, and the schemas it names under components.schemas (referenced by name wherever an operation uses the same zod
 * object). Requests are described as clients send them (zod input), responses as the server answers (zod output).
 */
export interface ResourceDocs {
  operations: Operation[];
  requestSchemas?: Record<string, z.ZodType>;
  responseSchemas?: Record<string, z.ZodType>;
}

// The shapes of the OpenAPI document itself, as document.ts builds it and the /docs page reads it.
export type JsonSchema = Record<string, unknown>;
export type OpenApiDocument = Record<string, unknown> & {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, OpenApiResponse>;
    securitySchemes: Record<string, unknown>;
  };
  webhooks: Record<string, { post: OpenApiOperation }>;
  tags: { name: string; description: string }[];
};
export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}
export interface OpenApiResponse {
  description: string;
  headers?: Record<string, { description: string; schema: JsonSchema; required?: boolean }>;
  content?: Record<string, { schema: JsonSchema; examples?: Record<string, { summary?: string; value: unknown }> }>;
}
export interface OpenApiOperation {
  operationId: string;
  tags?: string[];
  summary: string;
  description?: string;
  security?: Record<string, string[]>[];
  parameters?: OpenApiParameter[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, OpenApiResponse | { $ref: string }>;
  'x-auth'?: Auth;
}
