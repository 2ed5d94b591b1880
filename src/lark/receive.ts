/**
 * The first thing a webhook request meets: raw body → challenge? → signature → decrypt → token → envelope.
 * Pure: no database, no HTTP framework; the route turns the verdict into a response.
 */
import { decryptEvent, larkSignature, safeEqual, type CryptoPrimitives } from "./crypto";
import { envelopeV2, urlVerification, type EnvelopeV2 } from "./events";

export interface ReceiveConfig {
  verificationToken: string;
  encryptKey?: string;
  /** Signed requests older (or newer) than this many seconds are refused; 0 turns the check off. */
  maxAgeSeconds: number;
  nowMs: number;
  /** WebCrypto unless the runtime has faster primitives. */
  crypto?: CryptoPrimitives;
}

export type Inbound =
  | { kind: "challenge"; challenge: string }
  | { kind: "event"; envelope: EnvelopeV2 }
  | { kind: "reject"; status: 400 | 401 | 403; reason: string };

const reject = (status: 400 | 401 | 403, reason: string): Inbound => ({ kind: "reject", status, reason });

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Lark's v1.0 envelope, still sent by apps configured long ago: mapped onto v2's shape. */
function fromV1(body: Record<string, unknown>): unknown {
  const event = (body.event ?? {}) as Record<string, unknown>;
  return {
    schema: "2.0",
    header: { event_id: body.uuid, token: body.token, event_type: event.type, create_time: String(body.ts ?? "") },
    event,
  };
}

export async function readLarkRequest(
  raw: Uint8Array,
  header: (name: string) => string | undefined,
  cfg: ReceiveConfig,
): Promise<Inbound> {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(raw);
  } catch {
    return reject(400, "body is not UTF-8");
  }
  const outer = parseJson(text);
  if (!outer || typeof outer !== "object" || Array.isArray(outer)) return reject(400, "body is not a JSON object");

  let body = outer as Record<string, unknown>;
  const encrypted = typeof body.encrypt === "string";
  if (cfg.encryptKey) {
    if (!encrypted) return reject(401, "an encrypt key is configured but the body is not encrypted");
    let plain: string;
    try {
      plain = await decryptEvent(body.encrypt as string, cfg.encryptKey, cfg.crypto);
    } catch {
      return reject(400, "body could not be decrypted with the configured encrypt key");
    }
    const inner = parseJson(plain);
    if (!inner || typeof inner !== "object") return reject(400, "decrypted body is not JSON");
    body = inner as Record<string, unknown>;
  } else if (encrypted) {
    return reject(400, "body is encrypted but LARK_ENCRYPT_KEY is not set");
  }

  // The URL check is not signed (Lark docs, step 3): answer it on the token alone.
  if (body.type === "url_verification") {
    const v = urlVerification.safeParse(body);
    if (!v.success) return reject(400, "malformed url_verification");
    if (!safeEqual(v.data.token, cfg.verificationToken)) return reject(403, "verification token mismatch");
    return { kind: "challenge", challenge: v.data.challenge };
  }

  if (cfg.encryptKey) {
    const ts = header("x-lark-request-timestamp");
    const nonce = header("x-lark-request-nonce");
    const sig = header("x-lark-signature");
    if (!ts || !nonce || !sig) return reject(401, "signature headers missing");
    const expected = await larkSignature(ts, nonce, cfg.encryptKey, raw, cfg.crypto);
    if (!safeEqual(expected, sig.toLowerCase())) return reject(401, "signature mismatch");
    const ageSec = Math.abs(cfg.nowMs / 1000 - Number(ts));
    if (cfg.maxAgeSeconds > 0 && !(ageSec <= cfg.maxAgeSeconds)) return reject(401, "signed timestamp outside the replay window");
  }

  const candidate = body.schema === "2.0" ? body : body.type === "event_callback" ? fromV1(body) : body;
  const env = envelopeV2.safeParse(candidate);
  if (!env.success) return reject(400, "not a Lark event envelope");
  if (!safeEqual(env.data.header.token, cfg.verificationToken)) return reject(403, "verification token mismatch");
  return { kind: "event", envelope: env.data };
}
