/**
 * Lark's crypto primitives on Node's own hash and cipher. Every webhook request needs a SHA-256 and
 * an AES decryption of a kilobyte or two; WebCrypto runs each as an asynchronous job (~45 µs of CPU),
 * these answer synchronously in 2–5 µs. Same results: test/lark/crypto.test.ts checks both.
 */
import { createDecipheriv, createHash } from "node:crypto";
import type { CryptoPrimitives } from "../lark/crypto";

export const nodeCrypto: CryptoPrimitives = {
  sha256: (data) => createHash("sha256").update(data).digest(),
  aes256CbcDecrypt(key, iv, data) {
    const d = createDecipheriv("aes-256-cbc", key, iv);
    const head = d.update(data);
    const tail = d.final();
    return tail.length ? Buffer.concat([head, tail]) : head;
  },
};
