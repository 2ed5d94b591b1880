/** Sandbox mode: nothing leaves the machine; every message is kept (and logged) for the chat console. */
import type { FetchedMessage, Messenger, OutgoingMessage } from "./messenger";

export interface SandboxMessage extends OutgoingMessage {
  seq: number;
  messageId: string;
  at: number;
}

export class SandboxMessenger implements Messenger {
  readonly sent: SandboxMessage[] = [];
  private byUuid = new Map<string, SandboxMessage>();
  readonly files = new Map<string, Uint8Array>();
  /** Messages people sent in the sandbox (e.g. a file), so a reply to one can find it. */
  readonly received = new Map<string, FetchedMessage>();

  constructor(private readonly log: (m: SandboxMessage) => void = () => {}) {}

  async send(m: OutgoingMessage): Promise<{ messageId: string }> {
    const seen = this.byUuid.get(m.uuid);
    if (seen) return { messageId: seen.messageId };
    const msg: SandboxMessage = { ...m, seq: this.sent.length + 1, messageId: `om_sandbox_${this.sent.length + 1}`, at: Date.now() };
    this.sent.push(msg);
    this.byUuid.set(m.uuid, msg);
    this.log(msg);
    return { messageId: msg.messageId };
  }

  async getMessage(messageId: string): Promise<FetchedMessage | undefined> {
    return this.received.get(messageId);
  }

  async downloadFile(_messageId: string, fileKey: string): Promise<Uint8Array> {
    const f = this.files.get(fileKey);
    if (!f) throw new Error(`no sandbox file ${fileKey}`);
    return f;
  }
}
