// Shared by the slot engine's hand-worked tests (slots-engine-dst, slots-engine-rules): literal instants, weekly
// ranges and an input with quiet defaults.
import { computeSlotStarts, type Slot, type SlotInput, type WeeklyRange } from '../src/slots/engine';

export const at = (iso: string): number => Date.parse(iso);
/** Normalises expected and actual instants to one spelling so failures read as times. */
export const utc = (iso: string): string => new Date(at(iso)).toISOString();
export const startsOf = (slots: Slot[]): string[] => slots.map((slot) => new Date(slot.start).toISOString());

export const SUN = 0;
export const MON = 1;
export const TUE = 2;

export function everyDay(startTime: string, endTime: string): WeeklyRange[] {
  return [0, 1, 2, 3, 4, 5, 6].map((dayOfWeek) => ({ dayOfWeek, startTime, endTime }));
}

export function weekdays(startTime: string, endTime: string): WeeklyRange[] {
  return [1, 2, 3, 4, 5].map((dayOfWeek) => ({ dayOfWeek, startTime, endTime }));
}

/** Defaults: UTC host, no buffers or notice, 60-day window, "now" well before the range. */
export function slotInput(fields: Partial<SlotInput> & Pick<SlotInput, 'rangeStart' | 'rangeEnd'>): SlotInput {
  return {
    durationMinutes: 60,
    slotIntervalMinutes: 60,
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 0,
    minimumNoticeMinutes: 0,
    bookingWindowDays: 60,
    scheduleTimeZone: 'UTC',
    availability: [],
    overrides: [],
    busy: [],
    now: fields.rangeStart - 7 * 86_400_000,
    ...fields,
  };
}

export function slotStarts(fields: Parameters<typeof slotInput>[0]): string[] {
  return startsOf(computeSlotStarts(slotInput(fields)));
}
