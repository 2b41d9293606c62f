// The one way to reach a host's HostCalendar object. A low module: the booking and hold services and the team
// services (which sit above bookings) all take their stubs here.
import type { Bindings } from '../env';
import { calendarPlacement } from './placement';

export function hostCalendar(env: Bindings, hostId: number) {
  return env.HOST_CALENDAR.get(env.HOST_CALENDAR.idFromName(`host:${hostId}`), calendarPlacement(env));
}
