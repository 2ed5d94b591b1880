/**
 * A server for the webhook benchmark, in its own process so its memory can be measured:
 * `bench/webhook-server.ts duban|bare`. Prints `READY <port>` when listening.
 */
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { startNode } from "../src/runtime/node";

const kind = process.argv[2];
if (kind === "bare") {
  // The ceiling for this stack: Hono on @hono/node-server answering 200 without reading anything.
  const app = new Hono();
  app.post("/webhook/event", (c) => c.json({}));
  const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => console.log(`READY ${info.port}`));
  process.on("SIGTERM", () => s.close(() => process.exit(0)));
} else {
  const s = await startNode({ port: 0, log: () => {}, sweepSeconds: 3600 });
  console.log(`READY ${s.port}`);
  process.on("SIGTERM", () => void s.close().then(() => process.exit(0)));
}
