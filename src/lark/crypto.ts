/**
 * Lark's event encryption and signature. The primitives are WebCrypto by default, so the same code
 * runs on Node and Workers; a runtime may hand in its own (src/runtime/node-crypto.ts: Node's native
 * hash and cipher answer a small call synchronously, where a WebCrypto job costs ~20× more CPU).
 */

/** The two primitives Lark's events need. */
export interface CryptoPrimitives {
  sha256(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
  /** AES-256-CBC with PKCS7 padding removed; throws on a wrong key or padding. */
  aes256CbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

const enc = new TextEncoder();

// Importing a key is as costly as the decryption itself: one CryptoKey per key bytes (they are cached below).
const importedKeys = new WeakMap<Uint8Array, Promise<CryptoKey>>();

export const webCrypto: CryptoPrimitives = {
  async sha256(data) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", data as BufferSource));
  },
  async aes256CbcDecrypt(key, iv, data) {
    let k = importedKeys.get(key);
    if (!k) importedKeys.set(key, (k = crypto.subtle.importKey("raw", key as BufferSource, { name: "AES-CBC" }, false, ["decrypt"])));
    return new Uint8Array(await crypto.subtle.decrypt({ name: "AES-CBC", iv: iv as BufferSource }, await k, data as BufferSource));
  },
};

function toHex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += (b < 16 ? "0" : "") + b.toString(16);
  return s;
}

function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export async function sha256Hex(data: Uint8Array | string, prims: CryptoPrimitives = webCrypto): Promise<string> {
  return toHex(await prims.sha256(typeof data === "string" ? enc.encode(data) : data));
}

/** hex(sha256(timestamp + nonce + encryptKey + rawBody)): computed over the raw bytes, never a re-serialised body. */
export async function larkSignature(
  timestamp: string,
  nonce: string,
  encryptKey: string,
  rawBody: Uint8Array,
  prims: CryptoPrimitives = webCrypto,
): Promise<string> {
  const head = enc.encode(timestamp + nonce + encryptKey);
  const all = new Uint8Array(head.length + rawBody.length);
  all.set(head);
  all.set(rawBody, head.length);
  return sha256Hex(all, prims);
}

/** Constant-time comparison of two strings (signatures, tokens). */
export function safeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

// The AES key is sha256(encrypt key): derived once per key and primitives.
const derivedKeys = new WeakMap<CryptoPrimitives, Map<string, Promise<Uint8Array>>>();

function aesKey(encryptKey: string, prims: CryptoPrimitives): Promise<Uint8Array> {
  let byKey = derivedKeys.get(prims);
  if (!byKey) derivedKeys.set(prims, (byKey = new Map()));
  let k = byKey.get(encryptKey);
  if (!k) byKey.set(encryptKey, (k = Promise.resolve(prims.sha256(enc.encode(encryptKey)))));
  return k;
}

/** Decrypts an `encrypt` field: base64(16-byte IV ‖ AES-256-CBC ciphertext), key sha256(encryptKey). */
export async function decryptEvent(encrypted: string, encryptKey: string, prims: CryptoPrimitives = webCrypto): Promise<string> {
  const bytes = fromBase64(encrypted);
  if (bytes.length < 32 || bytes.length % 16 !== 0) throw new Error("ciphertext has a wrong length");
  const plain = await prims.aes256CbcDecrypt(await aesKey(encryptKey, prims), bytes.subarray(0, 16), bytes.subarray(16));
  return new TextDecoder("utf-8", { fatal: true }).decode(plain);
}
