/**
 * A request's body read straight from Node's IncomingMessage. Hono's portable way (`c.req.arrayBuffer()`)
 * builds a web Request around a web stream around the Node stream; the webhook reads every body,
 * and that detour cost about a sixth of an acknowledgement's CPU.
 */
import type { IncomingMessage } from "node:http";
import type { Context } from "hono";

/** The body, or undefined when it grows past `maxBytes` (the rest is drained and dropped). */
export function readNodeBody(c: Context, maxBytes: number): Promise<Uint8Array | undefined> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  // Not served by @hono/node-server (tests calling app.fetch), or already read: the portable way.
  if (!incoming || incoming.readableEnded || incoming.readableDidRead) return c.req.arrayBuffer().then((b) => (b.byteLength > maxBytes ? undefined : new Uint8Array(b)));
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
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
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
