/**
 * A webhook request's body and headers read straight from Node's IncomingMessage. Hono's portable
 * way builds a web Request around it — a Headers object, an AbortController, a web stream around the
 * Node stream — and its body-limit middleware asks for exactly that; every webhook request paid for
 * it, about a sixth of an acknowledgement's CPU.
 */
import type { IncomingMessage } from "node:http";
import type { Context } from "hono";
import type { RawRequest } from "../app";

/** The request, or undefined when its body is declared or grows past `maxBytes` (the rest is drained and dropped). */
export function readNodeRequest(c: Context, maxBytes: number): Promise<RawRequest | undefined> | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  // Not served by @hono/node-server (tests calling app.fetch), or already read: the caller's portable way.
  if (!incoming || incoming.readableEnded || incoming.readableDidRead) return undefined;
  const header = (name: string) => {
    const v = incoming.headers[name.toLowerCase()];
    return Array.isArray(v) ? v.join(", ") : v;
  };
  const declared = Number(incoming.headers["content-length"]);
  if (declared > maxBytes) {
    incoming.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      stop();
      incoming.resume();
      resolve(undefined);
    };
    const onEnd = () => {
      stop();
      resolve({ body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), header });
    };
    const onError = (e: Error) => {
      stop();
      reject(e);
    };
    const stop = () => {
      incoming.off("data", onData);
      incoming.off("end", onEnd);
      incoming.off("error", onError);
    };
    incoming.on("data", onData);
    incoming.on("end", onEnd);
    incoming.on("error", onError);
  });
}
