// The OpenAPI description of this module's own route (src/openapi/routes.ts): the document itself.
import { z } from 'zod';
import type { ResourceDocs } from './types';

const openApiDocumentSchema = z.record(z.string(), z.unknown()).describe('This OpenAPI 3.1 document');

export const openApiDocs: ResourceDocs = {
  operations: [
    {
      operationId: 'getOpenApiDocument',
      method: 'get',
      path: '/v2/openapi.json',
      tag: 'Meta',
      summary: 'This API description (OpenAPI 3.1)',
      description: 'A human-readable rendering of it is served at `/docs`.',
      auth: 'public',
      success: { status: 200, description: 'The OpenAPI document', schema: openApiDocumentSchema },
    },
  ],
};
