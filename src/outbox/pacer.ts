/**
 * Keeps sends under Lark's limits (docs: 50/s and 1000/min per app; 5/s per user and per group).
 * Sliding-window logs rather than token buckets: a bucket lets a full burst plus a second's refill
 * through in one window, a log never exceeds N in any window, whatever window Lark counts in.
 *
 * When Lark still says "too many" (another instance or another bot shares the quota), sends are held:
 * the whole app until the gateway's reset time (HTTP 429 / 99991400), or just the one chat or user
 * (230020, the IM limit per recipient). Pauses coalesce to the latest reset: ten 429s answered at
 * once hold the app until the latest of their reset times, not ten times as long.
 */
export interface PacerLimits {
  perSecond: number;
  perMinute: number;
  perRecipientPerSecond: number;
}

export const LARK_LIMITS: PacerLimits = { perSecond: 50, perMinute: 1000, perRecipientPerSecond: 5 };

class WindowLog {
  private times: number[] = [];
  private head = 0;
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}
  /** When the next send may go, given `now`. */
  nextFree(now: number): number {
    while (this.head < this.times.length && this.times[this.head] <= now - this.windowMs) this.head++;
    if (this.head > 1024) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    const inWindow = this.times.length - this.head;
    return inWindow < this.limit ? now : this.times[this.times.length - this.limit] + this.windowMs;
  }
  take(at: number) {
    this.times.push(at);
  }
  /** Nothing sent for a whole window: the log can be forgotten. */
  idle(now: number): boolean {
    return this.times.length === 0 || this.times[this.times.length - 1] <= now - this.windowMs;
  }
}

export class Pacer {
  private app: WindowLog[];
  private recipients = new Map<string, WindowLog>();
  private held = new Map<string, number>();
  private chain: Promise<void> = Promise.resolve();
  private appHeldUntil = 0;
  private takes = 0;

  constructor(
    private readonly limits: PacerLimits = LARK_LIMITS,
    private readonly now: () => number = () => Date.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    /** A little slack on each window: clocks on both sides are not in lock-step. */
    private readonly marginMs = 15,
  ) {
    this.app = [new WindowLog(limits.perSecond, 1000 + marginMs), new WindowLog(limits.perMinute, 60_000 + marginMs)];
  }

  /** Waits until one more message to `recipient` fits every window, and books it. Calls are served in order. */
  take(recipient: string): Promise<void> {
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
          for (const w of this.app) w.take(t);
          r.take(t);
          if (++this.takes % 1000 === 0) this.forget(t);
          return;
        }
        await this.sleep(at - t);
      }
    });
    this.chain = turn.catch(() => {});
    return turn;
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

  /** Drops the logs of recipients idle for a window, so a long-running process does not grow. */
  private forget(now: number) {
    for (const [k, w] of this.recipients) if (w.idle(now)) this.recipients.delete(k);
    for (const [k, until] of this.held) if (until <= now) this.held.delete(k);
  }
}
