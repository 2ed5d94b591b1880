import { z } from "zod";

const optional = z
  .string()
  .transform((s) => s.trim())
  .optional()
  .transform((s) => (s ? s : undefined));

const schema = z
  .object({
    LARK_APP_ID: optional,
    LARK_APP_SECRET: optional,
    LARK_VERIFICATION_TOKEN: optional,
    LARK_ENCRYPT_KEY: optional,
    LARK_DOMAIN: z
      .string()
      .default("feishu")
      .transform((v) => v.trim())
      .refine((v) => v === "feishu" || v === "lark" || /^https?:\/\/[^\s/]+(:\d+)?(\/.*)?$/.test(v), {
        message: "must be feishu, lark, or a base URL such as http://127.0.0.1:9000",
      }),
    DATABASE_URL: z
      .string()
      .default("file:./data/duban.db")
      .refine((v) => /^(file:|libsql:|https?:|wss?:)/.test(v), {
        message: "must start with file:, libsql:, http(s): or ws(s):",
      }),
    DATABASE_AUTH_TOKEN: optional,
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    ADMIN_OPEN_IDS: z
      .string()
      .default("")
      .transform((s) => s.split(/[,，\s]+/).filter(Boolean))
      .pipe(z.array(z.string().regex(/^[\w-]+$/, "each open_id is letters, digits, _ or -"))),
    BOT_TIMEZONE: z.literal("Asia/Shanghai", { message: "only Asia/Shanghai is supported (business dates are Beijing time)" }).default("Asia/Shanghai"),
    LARK_MODE: z.enum(["webhook", "websocket"]).default("webhook"),
    /** Replay window for signed requests, in seconds (Lark documents none; see docs/SECURITY.md). */
    LARK_SIGNATURE_MAX_AGE: z.coerce.number().int().min(0).default(900),
  })
  .superRefine((c, ctx) => {
    if (!!c.LARK_APP_ID !== !!c.LARK_APP_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: [c.LARK_APP_ID ? "LARK_APP_SECRET" : "LARK_APP_ID"],
        message: "set both LARK_APP_ID and LARK_APP_SECRET, or neither for sandbox mode",
      });
    }
    if (c.LARK_APP_ID && !c.LARK_VERIFICATION_TOKEN) {
      ctx.addIssue({
        code: "custom",
        path: ["LARK_VERIFICATION_TOKEN"],
        message: "is required with LARK_APP_ID (the app's Verification Token from the developer console)",
      });
    }
  });

export type Config = z.infer<typeof schema> & { sandbox: boolean; larkBaseUrl: string };

export class ConfigError extends Error {}

/** Reads the configuration; a bad value throws one line that names the variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const r = schema.safeParse(env);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new ConfigError(`Configuration error: ${String(first.path[0] ?? "environment")} ${first.message}`);
  }
  const c = r.data;
  const larkBaseUrl =
    c.LARK_DOMAIN === "feishu"
      ? "https://open.feishu.cn"
      : c.LARK_DOMAIN === "lark"
        ? "https://open.larksuite.com"
        : c.LARK_DOMAIN.replace(/\/+$/, "");
  return { ...c, sandbox: !c.LARK_APP_ID, larkBaseUrl };
}
