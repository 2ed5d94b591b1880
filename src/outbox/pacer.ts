/**
 * Keeps sends under Lark's limits (docs: 50/s and 1000/min per app; 5/s per user and per group).
 * Sliding-window logs rather than token buckets: a bucket lets a full burst plus a second's refill
 * through in one window, a log never exceeds N in any window, whatever window Lark counts in.
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
}

export class Pacer {
  private app: WindowLog[];
  private recipients = new Map<string, WindowLog>();
  private chain: Promise<void> = Promise.resolve();

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
        const at = Math.max(...this.app.map((w) => w.nextFree(t)), r.nextFree(t));
        if (at <= t) {
          for (const w of this.app) w.take(t);
          r.take(t);
          return;
        }
        await this.sleep(at - t);
      }
    });
    this.chain = turn.catch(() => {});
    return turn;
  }

  /** Lark said "too many": hold every send until its reset time. */
  pauseUntil(at: number) {
    const wait = at - this.now();
    if (wait > 0) this.chain = this.chain.then(() => this.sleep(wait));
  }
}
