/** Lark error answers: `{code, msg, error:{log_id, …}}` with the documented HTTP status. */
import { randomBytes } from "node:crypto";

export class LarkError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    msg: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(msg);
  }
}

export function logId(now: number): string {
  const d = new Date(now);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  const ts = `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
  return ts + randomBytes(10).toString("hex").toUpperCase();
}

// ---- constructors for the codes the emulator answers with (sources in docs/EMULATOR.md) ----

/** 99992402 field validation failed (HTTP 400), with field_violations. */
export const fieldViolation = (field: string, description: string) =>
  new LarkError(400, 99992402, "field validation failed", { field_violations: [{ field, description }] });

/** 230001 invalid request parameter (HTTP 400), with the `ext=` suffix Lark uses. */
export const invalidParam = (ext: string) =>
  new LarkError(400, 230001, `Your request contains an invalid request parameter, ext=${ext}.`);

export const botNotInChat = () => new LarkError(400, 230002, "The bot can not be outside the group.");
export const chatDissolved = () =>
  new LarkError(400, 232009, "Your request specifies a chat which has already been dissolved.");
export const recalled = () => new LarkError(400, 230011, "The message is recalled.");
export const tooLong = () => new LarkError(400, 230025, "The length of the message content reaches its limit.");
export const cardError = (errCode: number, errMsg: string) =>
  new LarkError(400, 230099, `Failed to create card content, ext=ErrCode: ${errCode}; ErrMsg: ${errMsg}; `);
export const imFrequency = () => new LarkError(400, 230020, "This operation triggers the frequency limit.");
export const gatewayLimit = (limit: number, resetSeconds: number) =>
  new LarkError(
    429,
    99991400,
    "request trigger frequency limit",
    {},
    { "x-ogw-ratelimit-limit": String(limit), "x-ogw-ratelimit-reset": String(resetSeconds) },
  );

export const missingToken = () =>
  new LarkError(400, 99991661, "Missing access token for authorization. Please make a request with token attached.");
export const badTokenFormat = () => new LarkError(400, 99991671, "Invalid token: must start with t-/u-");
export const invalidToken = () =>
  new LarkError(400, 99991663, "Invalid access token for authorization. Please make a request with token attached.");
export const invalidUserToken = () =>
  new LarkError(400, 99991668, "Invalid access token for authorization. Please make a request with token attached.");

export const fileInvalidParam = (why: string) => new LarkError(400, 234001, `Invalid request param. ${why}`.trim());
export const fileTooLarge = () => new LarkError(400, 234006, "The file size exceed the max value.");
export const fileEmpty = () => new LarkError(400, 234010, "File's size can't be 0.");
export const fileNotInMessage = () => new LarkError(400, 234003, "File not in msg.");
