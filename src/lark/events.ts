/** The shapes of what Lark sends us, validated at the boundary. Unknown fields pass through untouched. */
import { z } from "zod";

const userId = z.object({
  open_id: z.string().min(1),
  union_id: z.string().nullish(),
  // Lark sends null without the employee-id scope.
  user_id: z.string().nullish(),
});

export const headerV2 = z.object({
  event_id: z.string().min(1).max(128),
  token: z.string(),
  create_time: z.string().optional(),
  event_type: z.string().min(1),
  tenant_key: z.string().optional(),
  app_id: z.string().optional(),
});

export const envelopeV2 = z.object({
  schema: z.literal("2.0"),
  header: headerV2,
  event: z.record(z.string(), z.unknown()),
});
export type EnvelopeV2 = z.infer<typeof envelopeV2>;

export const urlVerification = z.object({
  type: z.literal("url_verification"),
  challenge: z.string().max(512),
  token: z.string(),
});

export const mention = z.object({
  key: z.string(),
  id: userId.partial().extend({ open_id: z.string().nullish() }),
  name: z.string().default(""),
});

export const messageReceive = z.object({
  sender: z.object({
    sender_id: userId,
    sender_type: z.string().default("user"),
  }),
  message: z.object({
    message_id: z.string().min(1),
    root_id: z.string().nullish(),
    parent_id: z.string().nullish(),
    create_time: z.string().optional(),
    chat_id: z.string().min(1),
    chat_type: z.enum(["p2p", "group"]).or(z.string()),
    message_type: z.string(),
    content: z.string(),
    mentions: z.array(mention).optional(),
  }),
});
export type MessageReceive = z.infer<typeof messageReceive>;

export const textContent = z.object({ text: z.string() });
export const fileContent = z.object({ file_key: z.string().min(1), file_name: z.string().default("") });

export const cardAction = z.object({
  operator: z.object({ open_id: z.string().min(1) }).passthrough(),
  token: z.string().optional(),
  action: z.object({
    value: z.record(z.string(), z.unknown()).default({}),
    tag: z.string().optional(),
  }),
  context: z
    .object({ open_message_id: z.string().optional(), open_chat_id: z.string().optional() })
    .default({}),
});
export type CardAction = z.infer<typeof cardAction>;
