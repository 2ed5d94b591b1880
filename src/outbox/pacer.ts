/**
 * Keeps sends under Lark's limits (docs: 50/s and 1000/min per app; 5/s per user and per group).
 *
 * Sliding-window logs rather than token buckets: a bucket lets a full burst plus a second's refill
 * through in one window, a log never exceeds N in any window, whatever window Lark counts in.
 *
 * The log holds each request from the moment it is booked until one window after its answer came
 * back. Lark's gateway counts a request at some instant between our booking and the answer; booking
 * time alone is not enough (a request can wait tens of milliseconds in the event loop, the connection
 * pool or a token refresh, and then arrive together with the next window's first requests — measured:
 * p99 134 ms, max 626 ms against a local emulator). Counting a request as "now" while it is in flight
 * and as its answer time afterwards makes the guarantee independent of those delays: in any window of
 * the gateway's clock, at most N requests arrive (proof in docs/SCHEDULING.md § Pacing).
 *
 * When Lark still says "too many" (another instance or another bot shares the quota), sends are held:
 * the whole app until the gateway's reset time (HTTP 429 / 99991400), or just the one chat or user
 * (230020, the IM limit per recipient). Pauses coalesce to the latest reset: ten 429s answered at
 * once hold the app until the latest of their reset times, not ten times as long. A refused request
 * is taken out of the logs (Lark did not count it).
 */
export interface PacerLimits {
  perSecond: number;
  perMinute: number;
  perRecipientPerSecond: number;
}

export const LARK_LIMITS: PacerLimits = { perSecond: 50, perMinute: 1000, perRecipientPerSecond: 5 };

/** One request in one log: in flight (`doneAt` undefined) or answered at `doneAt`. */
interface Entry {
  doneAt?: number;
}

/** How long to look again when a window is full of requests still in flight. */
const IN_FLIGHT_POLL_MS = 5;

class WindowLog {
  private entries: Entry[] = [];
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  private prune(now: number) {
    if (this.entries.length < 64) return;
    this.entries = this.entries.filter((e) => e.doneAt === undefined || e.doneAt > now - this.windowMs);
  }

  /** When the next request may be booked, given `now`. */
  nextFree(now: number): number {
    this.prune(now);
    let active = 0;
    const done: number[] = [];
    for (const e of this.entries) {
      if (e.doneAt === undefined) active++;
      else if (e.doneAt > now - this.windowMs) {
        active++;
        done.push(e.doneAt);
      }
    }
    if (active < this.limit) return now;
    const mustExpire = active - this.limit + 1;
    if (done.length < mustExpire) return now + IN_FLIGHT_POLL_MS;
    done.sort((a, b) => a - b);
    return done[mustExpire - 1] + this.windowMs;
  }

  book(): Entry {
    const e: Entry = {};
    this.entries.push(e);
    return e;
  }

  remove(e: Entry) {
    const i = this.entries.indexOf(e);
    if (i >= 0) this.entries.splice(i, 1);
  }

  get size(): number {
    return this.entries.length;
  }
}

/** A wait that stop() cut short: the row goes back to the outbox, unsent and not counted as an attempt. */
export class PacerStopped extends Error {
  constructor() {
    super("pacer stopped: the process is shutting down");
  }
}

/** A booked request: tell the pacer when its answer came (`done`) or that Lark refused it (`release`). */
export interface Booking {
  readonly recipient: string;
  readonly entries: readonly { log: WindowLog; entry: Entry }[];
}

export class Pacer {
  private app: WindowLog[];
  private recipients = new Map<string, WindowLog>();
  private held = new Map<string, number>();
  private chain: Promise<void> = Promise.resolve();
  private appHeldUntil = 0;
  private takes = 0;
  private pending = 0;
  /** Set by stop(): no message is let through after this instant. */
  private stopDeadline?: number;
  /** Takes are served one after another, so at most one is asleep: stop() wakes it. */
  private wakeSleeper?: () => void;

  constructor(
    private readonly limits: PacerLimits = LARK_LIMITS,
    private readonly now: () => number = () => Date.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    /** Slack on each window: the gateway's clock and ours are not in lock-step. */
    private readonly marginMs = 15,
  ) {
    this.app = [new WindowLog(limits.perSecond, 1000 + marginMs), new WindowLog(limits.perMinute, 60_000 + marginMs)];
  }

  /** Calls to take() not yet answered: each holds a message in memory while it waits its turn. */
  get waiting(): number {
    return this.pending;
  }

  /**
   * Shutting down: what can go within `graceMs` from now still goes; a take() whose turn would come
   * later — queued or asleep — rejects with PacerStopped instead of holding the process open for
   * minutes behind Lark's limits. A deadline, not a bound on each wait: waits of just under the grace,
   * one after another, would otherwise go on as long as the backlog.
   */
  stop(graceMs = 1000) {
    if (this.stopDeadline !== undefined) return;
    this.stopDeadline = this.now() + graceMs;
    this.wakeSleeper?.();
  }

  /**
   * Waits until one more message to `recipient` fits every window, and books it. Calls are served in
   * order. After stop(), rejects with PacerStopped when the turn would come after the grace.
   */
  take(recipient: string): Promise<Booking> {
    this.pending++;
    const turn = this.chain.then(async () => {
      let r = this.recipients.get(recipient);
      if (!r) {
        r = new WindowLog(this.limits.perRecipientPerSecond, 1000 + this.marginMs);
        this.recipients.set(recipient, r);
      }
      for (;;) {
        const t = this.now();
        const at = Math.max(...this.app.map((w) => w.nextFree(t)), r.nextFree(t), this.appHeldUntil, this.held.get(recipient) ?? 0);
        if (at <= t) {
          if (++this.takes % 1000 === 0) this.forget(t);
          const logs = [...this.app, r];
          return { recipient, entries: logs.map((log) => ({ log, entry: log.book() })) };
        }
        if (this.stopDeadline !== undefined && at > this.stopDeadline) throw new PacerStopped();
        // stop() wakes the sleeper to decide again whether its turn still comes within the grace.
        await new Promise<void>((r) => {
          this.wakeSleeper = r;
          this.sleep(at - t).then(r, r);
        });
        this.wakeSleeper = undefined;
      }
    });
    turn.then(
      () => this.pending--,
      () => this.pending--,
    );
    this.chain = turn.then(
      () => {},
      () => {},
    );
    return turn;
  }

  /** The request's answer came back (success or an error other than a rate limit). */
  done(b: Booking, at: number = this.now()) {
    for (const { entry } of b.entries) entry.doneAt ??= at;
  }

  /** Lark refused the request for a rate limit: it did not count there, so it stops counting here. */
  release(b: Booking) {
    for (const { log, entry } of b.entries) log.remove(entry);
  }

  /** Lark's gateway said "too many" (HTTP 429): hold every send until its reset time. */
  pauseUntil(at: number) {
    if (at > this.appHeldUntil) this.appHeldUntil = at;
  }

  /** One chat or user hit its own limit (230020): hold only sends to it. */
  pauseRecipient(recipient: string, at: number) {
    if (at > (this.held.get(recipient) ?? 0)) this.held.set(recipient, at);
  }

  /** Until when sends to `recipient` are held after a 230020 (0 = not held). */
  recipientHeldUntil(recipient: string): number {
    return this.held.get(recipient) ?? 0;
  }

  /** When the whole app may send again (0 = not held). */
  get heldUntil(): number {
    return this.appHeldUntil;
  }

  /** Drops the logs of recipients with nothing in them any more, so a long-running process does not grow. */
  private forget(now: number) {
    for (const [k, w] of this.recipients) {
      w.nextFree(now);
      if (w.size === 0) this.recipients.delete(k);
    }
    for (const [k, until] of this.held) if (until <= now) this.held.delete(k);
  }
}
