/**
 * Rate-limit windows.
 *
 * Fixed mode (default): a counter per key per wall-clock window (epoch second, epoch minute).
 * Lark's gateway answers with `x-ogw-ratelimit-limit` (the window's limit) and
 * `x-ogw-ratelimit-reset` (seconds until the limit recovers): a calendar window that resets.
 * Sliding mode: any span of `spanMs` ending now holds at most `limit` accepted requests.
 * Rejected requests never consume capacity.
 */
import type { LimitConfig } from "./types.js";

interface Bucket {
  /** fixed: window start. */
  start: number;
  count: number;
  /** sliding: accepted timestamps, oldest first, from `head`. */
  times: number[];
  head: number;
}

export interface Verdict {
  ok: boolean;
  /** Seconds until capacity returns (≥ 1), when !ok. */
  resetSeconds: number;
  limit: number;
}

export class Windows {
  private buckets = new Map<string, Bucket>();

  constructor(private mode: "fixed" | "sliding") {}

  private bucket(key: string): Bucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = { start: 0, count: 0, times: [], head: 0 };
      this.buckets.set(key, b);
    }
    return b;
  }

  /** How many accepted requests the window ending at `now` already holds. */
  count(key: string, spanMs: number, now: number): number {
    const b = this.bucket(key);
    if (this.mode === "fixed") {
      const start = now - (now % spanMs);
      if (b.start !== start) {
        b.start = start;
        b.count = 0;
      }
      return b.count;
    }
    const floor = now - spanMs;
    while (b.head < b.times.length && b.times[b.head]! <= floor) b.head++;
    if (b.head > 1024 && b.head * 2 > b.times.length) {
      b.times = b.times.slice(b.head);
      b.head = 0;
    }
    return b.times.length - b.head;
  }

  check(key: string, limit: number, spanMs: number, now: number): Verdict {
    const n = this.count(key, spanMs, now);
    if (n < limit) return { ok: true, resetSeconds: 0, limit };
    const b = this.bucket(key);
    const until = this.mode === "fixed" ? b.start + spanMs - now : b.times[b.times.length - limit]! + spanMs - now;
    return { ok: false, resetSeconds: Math.max(1, Math.ceil(until / 1000)), limit };
  }

  /** Record one accepted request; returns the window's count after it. */
  add(key: string, spanMs: number, now: number): number {
    this.count(key, spanMs, now);
    const b = this.bucket(key);
    if (this.mode === "fixed") return ++b.count;
    b.times.push(now);
    return b.times.length - b.head;
  }

  clear(): void {
    this.buckets.clear();
  }
}

export interface Rejection {
  scope: string;
  verdict: Verdict;
  /** "429" → HTTP 429 / 99991400 with x-ogw headers; "230020" → HTTP 400 / 230020. */
  answer: "429" | "230020";
}

/** All of the emulator's limits, plus the observed per-second maxima. */
export class Limiter {
  private windows: Windows;
  private observed: Windows;
  readonly maxPerSecondByChat = new Map<string, number>();
  readonly maxPerSecondByUser = new Map<string, number>();
  readonly maxPerSecondByApi = new Map<string, number>();

  constructor(
    public config: LimitConfig,
    public enforce: boolean,
  ) {
    this.windows = new Windows(config.window);
    this.observed = new Windows(config.window);
  }

  /** Gateway limit for one API ("send", "reply", "patch", "upload", "download"): 50/s, 1000/min. */
  api(api: string, now: number): Rejection | undefined {
    const s = `app:${api}:s`;
    const m = `app:${api}:m`;
    const perS = this.config.appPerSecond;
    const perM = this.config.appPerMinute;
    if (this.enforce) {
      const vs = this.windows.check(s, perS, 1000, now);
      if (!vs.ok) return { scope: s, verdict: vs, answer: "429" };
      const vm = this.windows.check(m, perM, 60_000, now);
      if (!vm.ok) return { scope: m, verdict: vm, answer: "429" };
    }
    this.windows.add(s, 1000, now);
    this.windows.add(m, 60_000, now);
    bumpMax(this.maxPerSecondByApi, api, this.observed.add(`api:${api}`, 1000, now));
    return undefined;
  }

  /** Per-target limit for a message landing in a chat (group) or with a user (p2p). Does not record. */
  target(target: { kind: "chat" | "user"; key: string }, now: number): Rejection | undefined {
    if (!this.enforce) return undefined;
    const limit = target.kind === "chat" ? this.config.perChatPerSecond : this.config.perUserPerSecond;
    const v = this.windows.check(`${target.kind}:${target.key}`, limit, 1000, now);
    return v.ok ? undefined : { scope: target.kind, verdict: v, answer: this.config.perTargetResponse };
  }

  /** Record an accepted message for its target. */
  commitTarget(target: { kind: "chat" | "user"; key: string }, now: number): void {
    const k = `${target.kind}:${target.key}`;
    this.windows.add(k, 1000, now);
    const n = this.observed.add(k, 1000, now);
    bumpMax(target.kind === "chat" ? this.maxPerSecondByChat : this.maxPerSecondByUser, target.key, n);
  }

  /** PATCH of one message: 5 QPS, answered 400 / 230020 (documented on the PATCH page). */
  patch(messageId: string, now: number): Rejection | undefined {
    const k = `patch:${messageId}`;
    if (this.enforce) {
      const v = this.windows.check(k, this.config.perMessagePatchPerSecond, 1000, now);
      if (!v.ok) return { scope: "patch", verdict: v, answer: "230020" };
    }
    this.windows.add(k, 1000, now);
    return undefined;
  }

  reset(): void {
    this.windows = new Windows(this.config.window);
    this.observed = new Windows(this.config.window);
    this.maxPerSecondByChat.clear();
    this.maxPerSecondByUser.clear();
    this.maxPerSecondByApi.clear();
  }
}

function bumpMax(map: Map<string, number>, key: string, n: number): void {
  const prev = map.get(key);
  if (prev === undefined || n > prev) map.set(key, n);
}

export const DEFAULT_LIMITS: LimitConfig = {
  appPerSecond: 50,
  appPerMinute: 1000,
  perChatPerSecond: 5,
  perUserPerSecond: 5,
  perMessagePatchPerSecond: 5,
  window: "fixed",
  perTargetResponse: "429",
};
