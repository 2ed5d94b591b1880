/**
 * The 节假日 command changes the overlay and the server caches the calendar: the server registers its
 * `reloadCalendar` against its database handle here, the command calls `calendarChanged(ctx.db)` after
 * its write committed. Keyed by the handle (a WeakMap), so several servers in one process (tests) each
 * reload their own. Other instances sharing the database pick the overlay up at their next scheduled
 * run (src/jobs/run.ts reads it fresh every time).
 */
const reloaders = new WeakMap<object, () => void>();

export function onCalendarChange(db: object, reload: () => void): void {
  reloaders.set(db, reload);
}

export function calendarChanged(db: object): boolean {
  const r = reloaders.get(db);
  r?.();
  return !!r;
}
