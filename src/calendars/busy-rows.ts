// Busy spans -> the bound values of the statements that store them. Pure.
//
// D1 allows 100 bound parameters per statement, so rows are not bound one by one: each statement binds one JSON array
// of [start, end] pairs and inserts them with json_each. Chunks keep each bound string well under D1's limits.
import type { Span } from './ics-busy';

export const SPANS_PER_STATEMENT = 2_000;

export function busyRowChunks(spans: Span[]): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < spans.length; i += SPANS_PER_STATEMENT) {
    const part = spans.slice(i, i + SPANS_PER_STATEMENT);
    let json = '[';
    for (let j = 0; j < part.length; j++) json += `${j ? ',' : ''}[${part[j]!.start},${part[j]!.end}]`;
    chunks.push(`${json}]`);
  }
  return chunks;
}
