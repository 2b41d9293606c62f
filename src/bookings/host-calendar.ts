import { DurableObject } from 'cloudflare:workers';
import type { Bindings } from '../env';

/** One instance per host: serializes every write that changes the host's occupied time. */
export class HostCalendar extends DurableObject<Bindings> {
  async ping(): Promise<string> {
    return 'ok';
  }
}
