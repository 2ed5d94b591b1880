/**
 * Lark's event crypto on both sets of primitives: WebCrypto (Workers, and the default) and Node's own
 * hash and cipher (what the Node runtime hands in). Expectations come from Lark's documentation:
 * the decryption test vector, and the signature formula hex(sha256(timestamp + nonce + key + body)).
 */
import { describe, expect, it } from "vitest";
import { decryptEvent, larkSignature, sha256Hex, webCrypto, type CryptoPrimitives } from "../../src/lark/crypto";
import { nodeCrypto } from "../../src/runtime/node-crypto";
import { encryptBody, signature } from "../helpers/lark-events";

const enc = new TextEncoder();

describe.each<[string, CryptoPrimitives]>([
  ["WebCrypto", webCrypto],
  ["Node", nodeCrypto],
])("%s primitives", (_name, prims) => {
  it("decrypts the documented test vector (key 'test key' → 'hello world')", async () => {
    expect(await decryptEvent("P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=", "test key", prims)).toBe("hello world");
  });

  it("decrypts an event body of several blocks with multi-byte text", async () => {
    const payload = JSON.stringify({ schema: "2.0", event: { message: { content: JSON.stringify({ text: "进展 12 已在政府网站公开🎉".repeat(40) }) } } });
    const { encrypt } = encryptBody(payload, "县政务公开办-encrypt-key");
    expect(await decryptEvent(encrypt, "县政务公开办-encrypt-key", prims)).toBe(payload);
  });

  it("refuses a wrong key or a cut ciphertext", async () => {
    const { encrypt } = encryptBody({ hello: "world" }, "right key");
    await expect(decryptEvent(encrypt, "wrong key", prims)).rejects.toThrow();
    await expect(decryptEvent(encrypt.slice(0, 20), "right key", prims)).rejects.toThrow();
  });

  it("signs timestamp + nonce + key + raw body with SHA-256", async () => {
    const body = JSON.stringify({ encrypt: "abc" });
    expect(await larkSignature("1700000000", "n0nce", "k3y", enc.encode(body), prims)).toBe(signature("1700000000", "n0nce", "k3y", body));
  });

  it("hashes the empty string to SHA-256's published value", async () => {
    expect(await sha256Hex("", prims)).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });
});
