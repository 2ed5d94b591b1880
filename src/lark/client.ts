/**
 * Talks to Lark's Open API through the official node-sdk, with a fetch-based HTTP layer (src/lark/http.ts)
 * so that it runs on Workers too. The SDK is loaded on first use: it is large, and the webhook's
 * acknowledgement must not wait for it.
 */
import { fetchHttpInstance } from "./http";
import { LarkError, type FetchedMessage, type Messenger, type OutgoingMessage } from "./messenger";

type SdkClient = InstanceType<typeof import("@larksuiteoapi/node-sdk").Client>;

/** The SDK's token cache, but one we can empty when Lark says the token is no longer valid. */
class TokenCache {
  private values = new Map<string, { value: unknown; expiredTime?: number }>();
  async get(key: string | symbol, options?: { namespace?: string }) {
    const v = this.values.get(`${options?.namespace ?? ""}/${String(key)}`);
    return v && (!v.expiredTime || v.expiredTime > Date.now()) ? v.value : undefined;
  }
  async set(key: string | symbol, value: unknown, expiredTime?: number, options?: { namespace?: string }) {
    this.values.set(`${options?.namespace ?? ""}/${String(key)}`, { value, expiredTime });
    return true;
  }
  clear() {
    this.values.clear();
  }
}

const quiet = () => {};
const SILENT = { error: quiet, warn: quiet, info: quiet, debug: quiet, trace: quiet };

export interface LarkClientOptions {
  appId: string;
  appSecret: string;
  baseUrl: string;
  fetch?: typeof fetch;
}

export class LarkClient implements Messenger {
  private sdk?: Promise<SdkClient>;
  private cache = new TokenCache();

  constructor(private readonly opts: LarkClientOptions) {}

  private client(): Promise<SdkClient> {
    this.sdk ??= import("@larksuiteoapi/node-sdk").then(
      (lark) =>
        new lark.Client({
          appId: this.opts.appId,
          appSecret: this.opts.appSecret,
          domain: this.opts.baseUrl,
          appType: lark.AppType.SelfBuild,
          httpInstance: fetchHttpInstance(this.opts.fetch) as never,
          cache: this.cache as never,
          // Every failed call comes back to the outbox as a LarkError, which decides and logs; the SDK's
          // own error log would print each retried 429/5xx again. (Its `loggerLevel || info` turns
          // `fatal`, which is 0, into `info`, so a silent logger is the way to quiet it.)
          loggerLevel: lark.LoggerLevel.error,
          logger: SILENT,
        }),
    );
    return this.sdk;
  }

  /** Runs a call; when Lark rejects the token, the cached one is dropped and the call is tried once more. */
  private async withToken<T>(call: (c: SdkClient) => Promise<T>): Promise<T> {
    const c = await this.client();
    try {
      return await call(c);
    } catch (e) {
      if (e instanceof LarkError && e.kind === "token") {
        this.cache.clear();
        return call(c);
      }
      throw e;
    }
  }

  async send(m: OutgoingMessage): Promise<{ messageId: string }> {
    const res = await this.withToken(async (c) => {
      switch (m.target) {
        case "reply":
          return c.im.message.reply({ path: { message_id: m.receiveId }, data: { content: m.content, msg_type: m.msgType, uuid: m.uuid } });
        case "patch":
          return c.im.message.patch({ path: { message_id: m.receiveId }, data: { content: m.content } });
        default:
          return c.im.message.create({
            params: { receive_id_type: m.target },
            data: { receive_id: m.receiveId, msg_type: m.msgType, content: m.content, uuid: m.uuid },
          });
      }
    });
    const id = (res as { data?: { message_id?: string } } | undefined)?.data?.message_id;
    if (m.target === "patch") return { messageId: m.receiveId };
    if (!id) throw new LarkError("retryable", "Lark's answer had no message_id");
    return { messageId: id };
  }

  async getMessage(messageId: string): Promise<FetchedMessage | undefined> {
    let res: unknown;
    try {
      res = await this.withToken((c) =>
        c.request({ method: "GET", url: `/open-apis/im/v1/messages/${encodeURIComponent(messageId)}` } as never),
      );
    } catch (e) {
      // 230001 (invalid message_id) / 230110 (deleted): no such message for the bot; other refusals alike.
      if (e instanceof LarkError && (e.kind === "permanent" || e.code === 230001 || e.code === 230110)) return undefined;
      throw e;
    }
    const item = (res as { data?: { items?: { message_id?: string; msg_type?: string; chat_id?: string; body?: { content?: string } }[] } })?.data?.items?.[0];
    if (!item?.message_id) return undefined;
    return { messageId: item.message_id, msgType: item.msg_type ?? "", content: item.body?.content ?? "", ...(item.chat_id ? { chatId: item.chat_id } : {}) };
  }

  async downloadFile(messageId: string, fileKey: string): Promise<Uint8Array> {
    const res = await this.withToken((c) =>
      c.request({
        method: "GET",
        url: `/open-apis/im/v1/messages/${encodeURIComponent(messageId)}/resources/${encodeURIComponent(fileKey)}`,
        params: { type: "file" },
        responseType: "arraybuffer",
      } as never),
    );
    if (!(res instanceof Uint8Array)) throw new LarkError("permanent", "Lark did not return the file's bytes");
    return res;
  }
}
