/** Fault injection: scripted failures (failNext), random failures (faultRate), latency. */
import type { FaultRateOptions, FaultSpec } from "./types.js";

const DEFAULT_MATCH = /^\/open-apis\/im\//;

function matches(match: string | RegExp | undefined, path: string): boolean {
  if (match === undefined) return DEFAULT_MATCH.test(path);
  if (typeof match === "string") return match === "*" || path.startsWith(match);
  return match.test(path);
}

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Faults {
  private queue: { spec: FaultSpec; remaining: number }[] = [];
  private rate: { p429: number; p5xx: number; rand: () => number; match?: string | RegExp } | undefined;
  latencyMs = 0;

  failNext(n: number, spec: FaultSpec): void {
    if (n > 0) this.queue.push({ spec, remaining: n });
  }

  faultRate(opts: FaultRateOptions | null): void {
    if (!opts || (!opts.p429 && !opts.p5xx)) {
      this.rate = undefined;
      return;
    }
    this.rate = { p429: opts.p429 ?? 0, p5xx: opts.p5xx ?? 0, rand: prng(opts.seed ?? 1), match: opts.match };
  }

  /** The fault to answer this request with, if any (consumes it). */
  pick(path: string): FaultSpec | undefined {
    for (let i = 0; i < this.queue.length; i++) {
      const q = this.queue[i]!;
      if (!matches(q.spec.match, path)) continue;
      if (--q.remaining <= 0) this.queue.splice(i, 1);
      return q.spec;
    }
    const r = this.rate;
    if (r && matches(r.match, path)) {
      const x = r.rand();
      if (x < r.p429) return { status: 429 };
      if (x < r.p429 + r.p5xx) {
        const statuses = [500, 502, 503, 504];
        return { status: statuses[Math.floor(r.rand() * statuses.length)]! };
      }
    }
    return undefined;
  }

  reset(): void {
    this.queue = [];
    this.rate = undefined;
    this.latencyMs = 0;
  }
}

/** Default body + headers for an injected fault. */
export function faultResponse(spec: FaultSpec): { body: string; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  let code = spec.code;
  if (spec.status === 429) {
    headers["x-ogw-ratelimit-limit"] = "50";
    headers["x-ogw-ratelimit-reset"] = "1";
    code ??= 99991400;
  }
  code ??= spec.status >= 500 ? 1500 : 230001;
  Object.assign(headers, spec.headers);
  if (typeof spec.body === "string") {
    headers["content-type"] ??= "text/html; charset=utf-8";
    return { body: spec.body, headers };
  }
  headers["content-type"] = "application/json; charset=utf-8";
  const msg =
    code === 99991400 ? "request trigger frequency limit" : spec.status >= 500 ? "internal error" : "injected fault";
  return { body: JSON.stringify(spec.body ?? { code, msg }), headers };
}
