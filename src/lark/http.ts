/**
 * The node-sdk's HTTP layer, on fetch: it runs unchanged on Workers (no axios, no Node streams), and a
 * non-2xx answer becomes a LarkError carrying Lark's code and rate-limit reset instead of an opaque throw.
 */
import { LarkError } from "./messenger";

interface RequestOptions {
  url?: string;
  method?: string;
  headers?: Record<string, unknown>;
  params?: Record<string, unknown>;
  data?: unknown;
  responseType?: string;
  timeout?: number;
  $return_headers?: boolean;
}

/** Lark's business codes that mean "slow down" / "the token is bad" (docs: server error codes, rate limits). */
const RATE_LIMIT_CODES = new Set([99991400, 230020]);
const TOKEN_CODES = new Set([99991663, 99991661, 99991668]);
const RETRYABLE_CODES = new Set([1500, 99991401, 230001]);

export function classify(status: number, code: number | undefined, headers: Headers): LarkError {
  const msg = `Lark answered HTTP ${status}${code !== undefined ? ` code ${code}` : ""}`;
  if (status === 429 || (code !== undefined && RATE_LIMIT_CODES.has(code))) {
    const reset = Number(headers.get("x-ogw-ratelimit-reset"));
    return new LarkError("rate_limit", msg, code, status, Number.isFinite(reset) && reset > 0 ? reset * 1000 : undefined);
  }
  if (code !== undefined && TOKEN_CODES.has(code)) return new LarkError("token", msg, code, status);
  if (status >= 500 || (code !== undefined && RETRYABLE_CODES.has(code))) return new LarkError("retryable", msg, code, status);
  return new LarkError("permanent", msg, code, status);
}

export function fetchHttpInstance(fetchImpl: typeof fetch = fetch, defaultTimeoutMs = 10_000) {
  async function request(opts: RequestOptions): Promise<unknown> {
    const url = new URL(opts.url!);
    for (const [k, v] of Object.entries(opts.params ?? {})) if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
    const headers = new Headers();
    for (const [k, v] of Object.entries(opts.headers ?? {})) if (v !== undefined) headers.set(k, String(v));
    let body: BodyInit | undefined;
    if (opts.data instanceof FormData || opts.data instanceof Uint8Array || typeof opts.data === "string") body = opts.data as BodyInit;
    else if (opts.data !== undefined) {
      body = JSON.stringify(opts.data);
      headers.set("content-type", "application/json; charset=utf-8");
    }
    let res: Response;
    try {
      res = await fetchImpl(url, {
        method: (opts.method ?? "GET").toUpperCase(),
        headers,
        body,
        signal: AbortSignal.timeout(opts.timeout || defaultTimeoutMs),
      });
    } catch (e) {
      throw new LarkError("retryable", `Lark could not be reached: ${(e as Error).message}`);
    }
    const type = res.headers.get("content-type") ?? "";
    if (opts.responseType === "arraybuffer" || opts.responseType === "stream" || !type.includes("json")) {
      if (!res.ok) throw classify(res.status, undefined, res.headers);
      return new Uint8Array(await res.arrayBuffer());
    }
    const data = (await res.json().catch(() => undefined)) as { code?: number } | undefined;
    if (!res.ok || (data && typeof data.code === "number" && data.code !== 0)) throw classify(res.status, data?.code, res.headers);
    return opts.$return_headers ? { data, headers: Object.fromEntries(res.headers) } : data;
  }
  return {
    request,
    get: (url: string, o: RequestOptions = {}) => request({ ...o, url, method: "GET" }),
    delete: (url: string, o: RequestOptions = {}) => request({ ...o, url, method: "DELETE" }),
    head: (url: string, o: RequestOptions = {}) => request({ ...o, url, method: "HEAD" }),
    options: (url: string, o: RequestOptions = {}) => request({ ...o, url, method: "OPTIONS" }),
    post: (url: string, data?: unknown, o: RequestOptions = {}) => request({ ...o, url, data, method: "POST" }),
    put: (url: string, data?: unknown, o: RequestOptions = {}) => request({ ...o, url, data, method: "PUT" }),
    patch: (url: string, data?: unknown, o: RequestOptions = {}) => request({ ...o, url, data, method: "PATCH" }),
  };
}
