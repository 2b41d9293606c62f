// The pure formats, messages and structure checks (no binding, no request), run in one workerd: each `*.unit.ts`
// file below is a topic of its own, but a test file's workerd start-up costs more than these tests take together.
import './calendars-ics-busy.unit';
import './calendars-ics-busy.property.unit';
import './calendars-ics-budget.unit';
import './ics.unit';
import './recurrence.unit';
import './invites-series.property.unit';
import './notifications-content.unit';
import './i18n.unit';
import './branding.unit';
import './smtp.unit';
import './url-guard.unit';
import './webhooks-pure.unit';
import './workflows-template.unit';
import './openapi-layout.unit';
import './dependency-rule.unit';

import { expect, test } from 'vitest';
import rulesEntry from './rules.test.ts?raw';
import formatsEntry from './formats.test.ts?raw';

// A `*.unit.ts` file runs only when an entry imports it: one left out would pass CI by never running.
test('every test/*.unit.ts file is imported by exactly one of the two entries', () => {
  const units = Object.keys(import.meta.glob('./*.unit.ts')).map((path) => path.replace(/\.ts$/, ''));
  const imported = [...`${rulesEntry}\n${formatsEntry}`.matchAll(/^import '(\.\/[^']+\.unit)';$/gm)].map((m) => m[1]);
  expect(units.length).toBeGreaterThan(0);
  expect([...imported].sort()).toEqual([...units].sort());
});
