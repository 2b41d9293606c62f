// The expansion budget: every recurrence that ical.js iterates for a feed (event rules we do not expand ourselves and
// the rules of its VTIMEZONEs) runs under a step and time budget, whatever the rule.
//
// Why a hook inside ical.js: its RecurIterator is synchronous and some rules never match a date (FREQ=DAILY;BYMONTH=2;
// BYMONTHDAY=30): one call to next() then loops forever inside the library, and a step count around next() never gets
// control back. So the methods every internal loop goes through (advancing a day, a month, a year..., testing the
// BY* rules) are wrapped once, at load, to tick the meter that is active; with no meter active they run as before.
// A tick beyond the budget throws BudgetExceeded out of ical.js, which the caller catches per rule.
import ICAL from 'ical.js';

export interface BudgetLimits {
  /** ical.js internal steps one rule may take (default EXPANSION_BUDGET.ruleSteps). */
  ruleSteps?: number;
  /** Milliseconds one rule may take where the clock moves during computation (local workerd, Node). */
  ruleMs?: number;
  /** Steps all the rules of one sync may take together. */
  feedSteps?: number;
  feedMs?: number;
  /** Tests only: the clock read every CLOCK_EVERY steps. */
  now?: () => number;
}

/**
 * Steps cost 0.3-20 µs each (measured on Node 20), so 100,000 steps are at most a few tenths of a second for one rule,
 * and a sync stops iterating rules after 1,000,000 steps or 2 s. In production Workers the clock stands still while
 * code computes, so there the step counts are the bound; where it moves, the times bound slow steps too.
 */
export const EXPANSION_BUDGET = { ruleSteps: 100_000, ruleMs: 250, feedSteps: 1_000_000, feedMs: 2_000 } as const;

/** The clock is read every this many steps: reading it costs more than a step. */
const CLOCK_EVERY = 256;

export class BudgetExceeded extends Error {
  constructor(readonly scope: 'rule' | 'feed') {
    super(`recurrence expansion budget exceeded (${scope})`);
  }
}

/** One sync's budget; `rule(fn)` runs one rule's iteration under its own share of it. */
export class FeedBudget {
  private steps = 0;
  private ruleSteps = 0;
  private ruleDeadline = Infinity;
  private readonly deadline: number;
  private readonly limits: Required<BudgetLimits>;
  /** Rules (and VTIMEZONE rules) that were cut short by the budget. */
  runawayRules = 0;
  /** The feed's own budget ran out: later rules were not iterated at all. */
  exhausted = false;

  constructor(limits: BudgetLimits = {}) {
    this.limits = { ...EXPANSION_BUDGET, now: () => Date.now(), ...limits };
    this.deadline = this.limits.now() + this.limits.feedMs;
  }

  /** Runs fn with this budget metering ical.js; a rule cut short counts once and answers `cut`. */
  rule<T>(fn: () => T, cut: () => T): T {
    // A zone's rules can be iterated while an event's rule is (an instance's offset): the inner one has its own share.
    const outer = { active, steps: this.ruleSteps, deadline: this.ruleDeadline };
    active = this;
    this.ruleSteps = 0;
    this.ruleDeadline = Math.min(this.deadline, this.limits.now() + this.limits.ruleMs);
    try {
      if (this.exhausted) throw new BudgetExceeded('feed');
      return fn();
    } catch (error) {
      if (!(error instanceof BudgetExceeded)) throw error;
      this.runawayRules++;
      return cut();
    } finally {
      active = outer.active;
      this.ruleSteps = outer.steps;
      this.ruleDeadline = outer.deadline;
    }
  }

  tick(): void {
    this.steps++;
    this.ruleSteps++;
    if (this.steps > this.limits.feedSteps) this.exhausted = true;
    if (this.exhausted) throw new BudgetExceeded('feed');
    if (this.ruleSteps > this.limits.ruleSteps) throw new BudgetExceeded('rule');
    if (this.steps % CLOCK_EVERY === 0) {
      const now = this.limits.now();
      if (now >= this.deadline) {
        this.exhausted = true;
        throw new BudgetExceeded('feed');
      }
      if (now >= this.ruleDeadline) throw new BudgetExceeded('rule');
    }
  }
}

let active: FeedBudget | null = null;

// Every loop inside RecurIterator (init and next) calls at least one of these per turn.
const METERED = [
  'next_second', 'next_minute', 'next_hour', 'next_day', 'next_week', 'next_month', 'next_year',
  'increment_month', 'increment_year', 'expand_year_days', 'check_contracting_rules',
] as const;
const proto = ICAL.RecurIterator.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
for (const name of METERED) {
  const original = proto[name];
  if (typeof original !== 'function') throw new Error(`ical.js RecurIterator has no ${name}: the expansion budget needs updating`);
  proto[name] = function metered(this: unknown, ...args: unknown[]) {
    active?.tick();
    return original.apply(this, args);
  };
}
