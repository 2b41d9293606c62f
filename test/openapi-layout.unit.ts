// The document is assembled from each resource's src/<resource>/openapi.ts: names must stay unambiguous across files.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { mergeNamedSchemas, OPERATIONS, REQUEST_SCHEMAS, RESPONSE_SCHEMAS } from '../src/openapi/operations';

describe('assembling the per-resource OpenAPI files', () => {
  it('merges the named schemas of all resources', () => {
    const a = z.string();
    const b = z.number();
    expect(mergeNamedSchemas([{ A: a }, undefined, { B: b }])).toEqual({ A: a, B: b });
  });

  it('refuses a schema name claimed by two resources', () => {
    expect(() => mergeNamedSchemas([{ Thing: z.string() }, { Thing: z.number() }])).toThrow(/Thing is claimed twice/);
  });

  it('refuses one zod schema under two names (its $refs would be ambiguous)', () => {
    const shared = z.string();
    expect(() => mergeNamedSchemas([{ One: shared }, { Two: shared }])).toThrow(/named both One and Two/);
  });

  it('every request body and success schema an operation names as a component is registered by some resource', () => {
    const named = new Set<z.ZodType>([...Object.values(REQUEST_SCHEMAS), ...Object.values(RESPONSE_SCHEMAS)]);
    // Bodies are always named (they are shown as schemas on /docs); list envelopes are built per resource file.
    const unnamedBodies = OPERATIONS.filter((op) => op.body && !named.has(op.body.schema)).map((op) => op.operationId);
    expect(unnamedBodies).toEqual([]);
  });
});
