/** Lark's event encryption and signature, on WebCrypto so it runs on Node and Workers alike. */

const enc = new TextEncoder();

function toHex(buf: ArrayBuffer): string {
  return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === "string" ? enc.encode(data) : data;
  return toHex(await crypto.subtle.digest("SHA-256", bytes as BufferSource));
}

/** hex(sha256(timestamp + nonce + encryptKey + rawBody)): computed over the raw bytes, never a re-serialised body. */
export async function larkSignature(timestamp: string, nonce: string, encryptKey: string, rawBody: Uint8Array): Promise<string> {
  const head = enc.encode(timestamp + nonce + encryptKey);
  const all = new Uint8Array(head.length + rawBody.length);
  all.set(head);
  all.set(rawBody, head.length);
  return sha256Hex(all);
}

/** Constant-time comparison of two strings (signatures, tokens). */
export function safeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

const keyCache = new Map<string, Promise<CryptoKey>>();

function aesKey(encryptKey: string): Promise<CryptoKey> {
  let k = keyCache.get(encryptKey);
  if (!k) {
    k = crypto.subtle
      .digest("SHA-256", enc.encode(encryptKey))
      .then((raw) => crypto.subtle.importKey("raw", raw, { name: "AES-CBC" }, false, ["decrypt", "encrypt"]));
    keyCache.set(encryptKey, k);
  }
  return k;
}

/** Decrypts an `encrypt` field: base64(16-byte IV ‖ AES-256-CBC ciphertext), key sha256(encryptKey). */
export async function decryptEvent(encrypted: string, encryptKey: string): Promise<string> {
  const bytes = fromBase64(encrypted);
  if (bytes.length < 32 || bytes.length % 16 !== 0) throw new Error("ciphertext has a wrong length");
  const plain = await crypto.subtle.decrypt({ name: "AES-CBC", iv: bytes.slice(0, 16) }, await aesKey(encryptKey), bytes.slice(16) as BufferSource);
  return new TextDecoder("utf-8", { fatal: true }).decode(plain);
}
