// The /docs page's schema tables: a JSON Schema flattened into rows (following $refs, list items and map values),
// and the one table that shows them, for body fields and for parameters alike.
import type { FC } from 'hono/jsx';
import type { JsonSchema, OpenApiParameter } from '../types';

export const REF_PREFIX = '#/components/schemas/';

/**
 * One row of a field or parameter table: nested fields read as `attendee.email`, list items as
 * `availability[].day_of_week`; a parameter also says where it goes (`in`: path, query or header).
 */
export interface FieldRow {
  name: string;
  in?: string;
  type: string;
  required: boolean;
  notes: string[];
}

export type Schemas = Record<string, JsonSchema>;

export const refName = (schema: JsonSchema) =>
  typeof schema.$ref === 'string' && schema.$ref.startsWith(REF_PREFIX) ? schema.$ref.slice(REF_PREFIX.length) : undefined;

function resolve(schema: JsonSchema, schemas: Schemas): JsonSchema {
  const name = refName(schema);
  return name ? (schemas[name] ?? {}) : schema;
}

/** `anyOf: [X, {type: null}]` is zod's nullable; it reads better as `X | null`. */
function variants(schema: JsonSchema): JsonSchema[] {
  return Array.isArray(schema.anyOf) ? (schema.anyOf as JsonSchema[]) : [schema];
}

export function typeLabel(schema: JsonSchema, schemas: Schemas): string {
  if (Array.isArray(schema.anyOf)) return variants(schema).map((s) => typeLabel(s, schemas)).join(' | ');
  const name = refName(schema);
  if (name) return name;
  if ('const' in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : schema.type ? [schema.type as string] : [];
  const labels = types.map((t) => {
    if (t === 'array') return `array of ${typeLabel((schema.items as JsonSchema | undefined) ?? {}, schemas)}`;
    if (t === 'object' && schema.additionalProperties && typeof schema.additionalProperties === 'object' && !schema.properties) {
      return `map of ${typeLabel(schema.additionalProperties as JsonSchema, schemas)}`;
    }
    if (t === 'string' && schema.format) return `string (${String(schema.format)})`;
    return t;
  });
  return labels.join(' | ') || 'any';
}

export function constraintNotes(schema: JsonSchema): string[] {
  const notes: string[] = [];
  for (const s of variants(schema)) {
    if (typeof s.description === 'string') notes.push(s.description);
    if (s.minimum !== undefined) notes.push(`min ${String(s.minimum)}`);
    if (s.exclusiveMinimum !== undefined) notes.push(`> ${String(s.exclusiveMinimum)}`);
    if (s.maximum !== undefined && s.maximum !== Number.MAX_SAFE_INTEGER) notes.push(`max ${String(s.maximum)}`);
    if (s.minLength !== undefined && s.minLength !== 0) notes.push(`min length ${String(s.minLength)}`);
    if (s.maxLength !== undefined) notes.push(`max length ${String(s.maxLength)}`);
    if (s.minItems !== undefined) notes.push(`at least ${String(s.minItems)} items`);
    if (s.maxItems !== undefined) notes.push(`at most ${String(s.maxItems)} items`);
    // A format already says what a long generated pattern says.
    if (typeof s.pattern === 'string' && !s.format) notes.push(`pattern ${s.pattern}`);
    if (Array.isArray(s.examples)) notes.push(`e.g. ${s.examples.map((e) => JSON.stringify(e)).join(', ')}`);
  }
  if (schema.default !== undefined) notes.push(`default ${JSON.stringify(schema.default)}`);
  return notes;
}

/** Flattens an object schema into rows, following $refs, list items and map values a few levels down. */
export function fieldRows(schema: JsonSchema, schemas: Schemas, prefix = '', depth = 0): FieldRow[] {
  const resolved = resolve(schema, schemas);
  const properties = resolved.properties as Record<string, JsonSchema> | undefined;
  if (!properties || depth > 4) return [];
  const required = new Set((resolved.required as string[] | undefined) ?? []);
  return Object.entries(properties).flatMap(([key, property]) => {
    const name = prefix + key;
    const row: FieldRow = { name, type: typeLabel(property, schemas), required: required.has(key), notes: constraintNotes(property) };
    return [row, ...nestedRows(property, schemas, name, depth + 1)];
  });
}

function nestedRows(property: JsonSchema, schemas: Schemas, name: string, depth: number): FieldRow[] {
  return variants(property).flatMap((variant) => {
    const s = resolve(variant, schemas);
    if (s.properties) return fieldRows(s, schemas, `${name}.`, depth);
    if (s.type === 'array' && s.items) return fieldRows(s.items as JsonSchema, schemas, `${name}[].`, depth);
    const values = s.additionalProperties;
    if (values && typeof values === 'object') {
      const v = resolve(values as JsonSchema, schemas);
      if (v.type === 'array' && v.items) return fieldRows(v.items as JsonSchema, schemas, `${name}.*[].`, depth);
      return fieldRows(v, schemas, `${name}.*.`, depth);
    }
    return [];
  });
}

/** Parameters as table rows: their own description first, then what their schema constrains. */
export const parameterRows = (parameters: OpenApiParameter[], schemas: Schemas): FieldRow[] =>
  parameters.map((p) => ({
    name: p.name,
    in: p.in,
    type: typeLabel(p.schema, schemas),
    required: p.required,
    notes: [...(p.description ? [p.description] : []), ...constraintNotes(p.schema)],
  }));

/** Fields of a body, or parameters (`parameters`: with the column saying where each one goes). */
export const FieldTable: FC<{ rows: FieldRow[]; parameters?: boolean }> = ({ rows, parameters = false }) => (
  <table class={parameters ? 'params' : undefined}>
    <thead>
      <tr>
        <th>{parameters ? 'Name' : 'Field'}</th>
        {parameters && <th>In</th>}
        <th>Type</th>
        <th>Required</th>
        <th>Notes</th>
      </tr>
    </thead>
    <tbody>
      {rows.map((r) => (
        <tr>
          <td>
            <code>{r.name}</code>
          </td>
          {parameters && <td>{r.in}</td>}
          <td>
            <code>{r.type}</code>
          </td>
          <td>{r.required ? 'yes' : ''}</td>
          <td>{r.notes.join('; ')}</td>
        </tr>
      ))}
    </tbody>
  </table>
);

/** A schema as a field table when it is an object, else its type in a sentence. */
export const SchemaView: FC<{ schema: JsonSchema; schemas: Schemas }> = ({ schema, schemas }) => {
  const rows = fieldRows(schema, schemas);
  const name = refName(schema);
  return (
    <>
      {name && (
        <p class="schema-name">
          Schema <a href={`#schema-${name}`}>{name}</a>
        </p>
      )}
      {rows.length > 0 ? <FieldTable rows={rows} /> : <p><code>{typeLabel(schema, schemas)}</code></p>}
    </>
  );
};
