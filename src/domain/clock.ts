/** Anything that asks "what time is it?" takes a Clock, so tests can fix the date. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock stopped at one instant; `set` moves it (tests, CLI `--date`). */
export function fixedClock(at: Date | string): Clock & { set(at: Date | string): void } {
  let t = new Date(at);
  return {
    now: () => new Date(t),
    set(next) {
      t = new Date(next);
    },
  };
}
