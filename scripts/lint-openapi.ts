// `npm run lint:openapi`: Redocly's recommended rules on the OpenAPI document, built by the same function that serves
// GET /v2/openapi.json. Prints each problem and exits 1 on any error or warning. Offline.
import { openApiDocument } from '../src/openapi/document';
import { describeProblems, lintOpenApi } from './lib/redocly';

const report = lintOpenApi(openApiDocument().json);
for (const line of describeProblems(report)) console.log(line);
const { errors, warnings, ignored } = report.totals;
console.log(`redocly lint (recommended): ${errors} errors, ${warnings} warnings, ${ignored} ignored`);
process.exit(errors + warnings > 0 ? 1 : 0);
