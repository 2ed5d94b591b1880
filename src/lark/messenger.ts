/** What the rest of the app needs from Lark to talk: one method to deliver a message, two for files. */
export interface OutgoingMessage {
  /** chat_id / open_id: a new message; reply: answer the message `receiveId`; patch: update card `receiveId`. */
  target: "chat_id" | "open_id" | "reply" | "patch";
  receiveId: string;
  msgType: string;
  content: string;
  /** Lark keeps one success per uuid for an hour: a second guard against sending twice. */
  uuid: string;
}

/** A message as Lark returns it from GET /open-apis/im/v1/messages/:message_id. */
export interface FetchedMessage {
  messageId: string;
  /** text, file, image, interactive … */
  msgType: string;
  /** The content JSON string ({"file_key","file_name"} for a file). */
  content: string;
  chatId?: string;
}

export interface Messenger {
  send(m: OutgoingMessage): Promise<{ messageId: string }>;
  downloadFile(messageId: string, fileKey: string): Promise<Uint8Array>;
  /** One message by id (e.g. the file message a command replies to); undefined when Lark does not know it. */
  getMessage(messageId: string): Promise<FetchedMessage | undefined>;
}

export type SendFailure = "rate_limit" | "retryable" | "token" | "permanent";

/** A failed call to Lark, classified for the outbox: wait, retry, refresh the token, or give up. */
export class LarkError extends Error {
  constructor(
    readonly kind: SendFailure,
    message: string,
    readonly code?: number,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "LarkError";
  }
}
