// What a response cost, in the Server-Timing header (visible in any browser's network panel and in curl -v):
//   d1;dur=3.1;desc="2"      two D1 round trips from the Worker, 3.1 ms waiting for them
//   do;dur=9.8;desc="1"      one call into a HostCalendar object, 9.8 ms for the whole hop
//   do-d1;dur=6.2;desc="2"   the D1 round trips the object made during those calls
//   total;dur=12.4           the whole request inside the Worker
import type { ObjectCall } from '../db/session';

export interface RequestCost {
  d1Calls: number;
  d1Ms: number;
  objectCalls: readonly ObjectCall[];
  totalMs: number;
}

const ms = (value: number) => (Math.round(value * 10) / 10).toString();

export function serverTiming(cost: RequestCost): string {
  const parts = [`d1;dur=${ms(cost.d1Ms)};desc="${cost.d1Calls}"`];
  if (cost.objectCalls.length > 0) {
    const sum = (pick: (call: ObjectCall) => number) => cost.objectCalls.reduce((total, call) => total + pick(call), 0);
    parts.push(`do;dur=${ms(sum((c) => c.ms))};desc="${cost.objectCalls.length}"`);
    parts.push(`do-d1;dur=${ms(sum((c) => c.d1.ms))};desc="${sum((c) => c.d1.calls)}"`);
  }
  parts.push(`total;dur=${ms(cost.totalMs)}`);
  return parts.join(', ');
}

/** D1 round trips of a request in all: the Worker's own plus those of the objects it called. */
export function totalD1Calls(cost: Pick<RequestCost, 'd1Calls' | 'objectCalls'>): number {
  return cost.d1Calls + cost.objectCalls.reduce((total, call) => total + call.d1.calls, 0);
}
