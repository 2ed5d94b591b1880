/**
 * A stand-in for Lark's long-connection gateway, on loopback, for the SDK's real WSClient:
 *   POST {domain}/callback/ws/endpoint → {code:0, data:{URL, ClientConfig}}   (what the SDK asks first)
 *   GET  /ws (WebSocket upgrade)         → binary frames in Lark's protobuf `pbbp2.Frame`
 * Every other request is passed on to the Lark emulator, so one LARK_DOMAIN serves both the long
 * connection and the Open API, as open.feishu.cn does.
 *
 * Frame (from the SDK's bundled pbbp2 definition): 1 SeqID uint64, 2 LogID uint64, 3 service int32,
 * 4 method int32 (0 control, 1 data), 5 headers repeated {1 key, 2 value}, 6 payload_encoding,
 * 7 payload_type, 8 payload bytes, 9 LogIDNew. An event is a data frame with headers type=event,
 * message_id, sum, seq, trace_id and the JSON envelope as payload; the client answers with the same
 * frame whose payload is {code, data?: base64(JSON of the handler's result)}.
 * The WebSocket framing (RFC 6455) is written out here to keep the test free of extra packages.
 */
import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";

// ---------------------------------------------------------------- protobuf (just what Frame needs)

export interface Frame {
  SeqID: number;
  LogID: number;
  service: number;
  method: number;
  headers: { key: string; value: string }[];
  payload?: Uint8Array;
}

function varint(n: number): number[] {
  const out: number[] = [];
  let v = BigInt(n);
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}

function bytesField(field: number, bytes: Uint8Array): number[] {
  return [...varint((field << 3) | 2), ...varint(bytes.length), ...bytes];
}

export function encodeFrame(f: Frame): Uint8Array {
  const enc = new TextEncoder();
  const out: number[] = [...varint(1 << 3), ...varint(f.SeqID), ...varint(2 << 3), ...varint(f.LogID), ...varint(3 << 3), ...varint(f.service), ...varint(4 << 3), ...varint(f.method)];
  for (const h of f.headers) out.push(...bytesField(5, new Uint8Array([...bytesField(1, enc.encode(h.key)), ...bytesField(2, enc.encode(h.value))])));
  if (f.payload) out.push(...bytesField(8, f.payload));
  return new Uint8Array(out);
}

function readFields(buf: Uint8Array): { field: number; value: number | Uint8Array }[] {
  const fields: { field: number; value: number | Uint8Array }[] = [];
  let i = 0;
  const readVarint = () => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[i++];
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return Number(v);
      shift += 7n;
    }
  };
  while (i < buf.length) {
    const tag = readVarint();
    const field = tag >> 3;
    const wire = tag & 7;
    if (wire === 0) fields.push({ field, value: readVarint() });
    else if (wire === 2) {
      const len = readVarint();
      fields.push({ field, value: buf.subarray(i, i + len) });
      i += len;
    } else throw new Error(`unexpected protobuf wire type ${wire}`);
  }
  return fields;
}

export function decodeFrame(buf: Uint8Array): Frame {
  const dec = new TextDecoder();
  const f: Frame = { SeqID: 0, LogID: 0, service: 0, method: 0, headers: [] };
  for (const { field, value } of readFields(buf)) {
    if (field === 1) f.SeqID = value as number;
    else if (field === 2) f.LogID = value as number;
    else if (field === 3) f.service = value as number;
    else if (field === 4) f.method = value as number;
    else if (field === 5) {
      const h = { key: "", value: "" };
      for (const s of readFields(value as Uint8Array)) {
        if (s.field === 1) h.key = dec.decode(s.value as Uint8Array);
        if (s.field === 2) h.value = dec.decode(s.value as Uint8Array);
      }
      f.headers.push(h);
    } else if (field === 8) f.payload = value as Uint8Array;
  }
  return f;
}

// ---------------------------------------------------------------- WebSocket framing (server side)

function wsFrame(opcode: number, payload: Uint8Array): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, len]) : len < 65536 ? Buffer.from([0x80 | opcode, 126, len >> 8, len & 255]) : Buffer.concat([Buffer.from([0x80 | opcode, 127]), (() => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(BigInt(len));
    return b;
  })()]);
  return Buffer.concat([head, payload]);
}

class Connection {
  private buf = Buffer.alloc(0);
  closed = false;
  constructor(
    readonly socket: Duplex,
    private readonly onMessage: (data: Uint8Array) => void,
    private readonly onClose: () => void,
  ) {
    socket.on("data", (chunk: Buffer) => this.read(chunk));
    // The HTTP server's sockets are half-open capable: a client's FIN alone does not close them.
    socket.on("end", () => {
      socket.destroy();
      this.finish();
    });
    socket.on("close", () => this.finish());
    socket.on("error", () => this.finish());
  }
  private finish() {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }
  private read(chunk: Buffer) {
    this.buf = Buffer.concat([this.buf, chunk]);
    for (;;) {
      if (this.buf.length < 2) return;
      const opcode = this.buf[0] & 0x0f;
      const masked = (this.buf[1] & 0x80) !== 0;
      let len = this.buf[1] & 0x7f;
      let off = 2;
      if (len === 126) {
        if (this.buf.length < 4) return;
        len = this.buf.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (this.buf.length < 10) return;
        len = Number(this.buf.readBigUInt64BE(2));
        off = 10;
      }
      const maskOff = off;
      if (masked) off += 4;
      if (this.buf.length < off + len) return;
      const payload = Buffer.from(this.buf.subarray(off, off + len));
      if (masked) for (let i = 0; i < payload.length; i++) payload[i] ^= this.buf[maskOff + (i % 4)];
      this.buf = this.buf.subarray(off + len);
      if (opcode === 0x2 || opcode === 0x1) this.onMessage(payload);
      else if (opcode === 0x9) this.socket.write(wsFrame(0xa, payload));
      else if (opcode === 0x8) {
        if (!this.closed) this.socket.end(wsFrame(0x8, payload.subarray(0, 2)));
        this.finish();
      }
    }
  }
  send(data: Uint8Array) {
    if (!this.closed) this.socket.write(wsFrame(0x2, data));
  }
}

// ---------------------------------------------------------------- the gateway

export interface PushResult {
  /** The client's answer: Lark's HTTP-like code (200 = handled). */
  code: number;
  /** The handler's result (card callbacks: the new card / toast), decoded from base64 JSON. */
  data?: unknown;
  /** Milliseconds from push to answer. */
  ms: number;
}

export interface Gateway {
  /** The LARK_DOMAIN to configure: the gateway's own origin. */
  url: string;
  /** WebSocket connections ever opened by the client. */
  readonly connections: number;
  /** Connections open now. */
  readonly open: number;
  /** Endpoint requests (the SDK asks before every (re)connection). */
  readonly endpointRequests: number;
  /** Sends an envelope down the current connection as Lark does; resolves with the client's answer. */
  push(envelope: unknown, timeoutMs?: number): Promise<PushResult>;
  /** Cuts every connection without a close handshake (a network failure). */
  drop(): void;
  waitFor(what: () => boolean, label: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

export async function startGateway(o: { emulatorUrl: string; serviceId?: number }): Promise<Gateway> {
  const serviceId = o.serviceId ?? 7;
  const conns = new Set<Connection>();
  let connections = 0;
  let endpointRequests = 0;
  let seq = 0;
  const waiting = new Map<string, { resolve: (r: PushResult) => void; at: number }>();
  let port = 0;

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    if (req.method === "POST" && req.url === "/callback/ws/endpoint") {
      endpointRequests++;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          code: 0,
          msg: "ok",
          data: {
            URL: `ws://127.0.0.1:${port}/ws?device_id=device-${endpointRequests}&service_id=${serviceId}`,
            // Reconnect at once and forever: the test drops the connection on purpose.
            ClientConfig: { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 1, ReconnectNonce: 0 },
          },
        }),
      );
      return;
    }
    // Everything else is the Open API: pass it to the emulator.
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string" && k !== "host" && k !== "content-length") headers.set(k, v);
    const r = await fetch(o.emulatorUrl + req.url, { method: req.method, headers, body: body.length ? body : undefined });
    const out = Buffer.from(await r.arrayBuffer());
    const h: Record<string, string> = {};
    r.headers.forEach((v, k) => {
      if (k !== "content-length" && k !== "transfer-encoding" && k !== "content-encoding") h[k] = v;
    });
    res.writeHead(r.status, h);
    res.end(out);
  });

  server.on("upgrade", (req: IncomingMessage, socket: Duplex) => {
    const key = req.headers["sec-websocket-key"];
    if (!req.url?.startsWith("/ws") || typeof key !== "string") {
      socket.destroy();
      return;
    }
    const accept = createHash("sha1").update(key + WS_GUID).digest("base64");
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    connections++;
    const conn: Connection = new Connection(
      socket,
      (data) => {
        const f = decodeFrame(data);
        if (f.method !== 1) return; // control frames (ping): nothing to answer in a test
        const id = f.headers.find((h) => h.key === "message_id")?.value ?? "";
        const w = waiting.get(id);
        if (!w || !f.payload) return;
        waiting.delete(id);
        const answer = JSON.parse(new TextDecoder().decode(f.payload)) as { code: number; data?: string };
        w.resolve({
          code: answer.code,
          data: answer.data ? JSON.parse(Buffer.from(answer.data, "base64").toString("utf8")) : undefined,
          ms: Date.now() - w.at,
        });
      },
      () => conns.delete(conn),
    );
    conns.add(conn);
  });

  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  port = (server.address() as { port: number }).port;

  const gateway: Gateway = {
    url: `http://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    get open() {
      return conns.size;
    },
    get endpointRequests() {
      return endpointRequests;
    },
    push(envelope, timeoutMs = 5000) {
      const conn = [...conns].at(-1);
      if (!conn) return Promise.reject(new Error("gateway: no open connection"));
      const id = randomUUID();
      seq++;
      const frame = encodeFrame({
        SeqID: seq,
        LogID: seq,
        service: serviceId,
        method: 1,
        headers: [
          { key: "type", value: "event" },
          { key: "message_id", value: id },
          { key: "sum", value: "1" },
          { key: "seq", value: "0" },
          { key: "trace_id", value: `trace-${seq}` },
        ],
        payload: new TextEncoder().encode(JSON.stringify(envelope)),
      });
      return new Promise<PushResult>((resolve, reject) => {
        const t = setTimeout(() => {
          waiting.delete(id);
          reject(new Error(`gateway: no answer to ${id} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(id, {
          at: Date.now(),
          resolve: (r) => {
            clearTimeout(t);
            resolve(r);
          },
        });
        conn.send(frame);
      });
    },
    drop() {
      for (const c of conns) c.socket.destroy();
      conns.clear();
    },
    async waitFor(what, label, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (!what()) {
        if (Date.now() > until) throw new Error(`gateway: timed out waiting for ${label}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () =>
      new Promise<void>((r) => {
        for (const c of conns) c.socket.destroy();
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
  return gateway;
}
