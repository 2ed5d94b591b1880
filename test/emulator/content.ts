/** `content` validation per msg_type (send, reply, patch). */
import { cardError, invalidParam, tooLong } from "./errors.js";

export const MSG_TYPES = new Set([
  "text",
  "post",
  "image",
  "file",
  "audio",
  "media",
  "sticker",
  "interactive",
  "share_chat",
  "share_user",
  "system",
]);

const TEXT_MAX = 150 * 1024;
const CARD_MAX = 30 * 1024;
const CARD_ELEMENTS_MAX = 200;

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Count card components (objects with a `tag`) below `node`. */
function countElements(node: unknown, limit: number): number {
  let n = 0;
  const stack: unknown[] = [node];
  while (stack.length && n <= limit) {
    const x = stack.pop();
    if (Array.isArray(x)) {
      for (const y of x) stack.push(y);
    } else if (isObject(x)) {
      if (typeof x.tag === "string" && x.tag !== "plain_text" && x.tag !== "lark_md") n++;
      for (const k in x) {
        const v = x[k];
        if (typeof v === "object" && v !== null) stack.push(v);
      }
    }
  }
  return n;
}

/** Validate `content` for `msgType`; returns the parsed JSON or throws the documented LarkError. */
export function parseContent(msgType: string, content: string): any {
  const bytes = Buffer.byteLength(content, "utf8");
  if (msgType === "text" ? bytes > TEXT_MAX : (msgType === "interactive" || msgType === "post") && bytes > CARD_MAX) {
    throw tooLong();
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    if (msgType === "interactive") {
      throw cardError(200621, "parse card json err, please check whether the card json is correct");
    }
    throw invalidParam("invalid content, content is not a valid JSON string");
  }
  if (!isObject(parsed)) {
    if (msgType === "interactive") {
      throw cardError(200621, "parse card json err, please check whether the card json is correct");
    }
    throw invalidParam("invalid content, content must be a JSON object");
  }
  const need = (key: string) => {
    if (typeof parsed[key] !== "string" || parsed[key] === "") throw invalidParam(`invalid content, ${key} is required`);
  };
  switch (msgType) {
    case "text":
      if (typeof parsed.text !== "string") throw invalidParam("invalid content, text is required");
      break;
    case "post":
      if (!Object.values(parsed).some((v) => isObject(v) && Array.isArray(v.content))) {
        throw invalidParam("invalid content, post needs a locale object with a content array");
      }
      break;
    case "image":
      need("image_key");
      break;
    case "file":
    case "audio":
    case "media":
    case "sticker":
      need("file_key");
      break;
    case "share_chat":
      need("chat_id");
      break;
    case "share_user":
      need("user_id");
      break;
    case "interactive":
      validateCard(parsed);
      break;
  }
  return parsed;
}

function validateCard(card: Record<string, unknown>): void {
  if (card.type === "template") {
    const data = card.data;
    if (!isObject(data) || typeof data.template_id !== "string") {
      throw cardError(200380, "template does not exist, please confirm whether this template has been released");
    }
    return;
  }
  if (card.schema === "2.0") {
    if (card.body !== undefined && !isObject(card.body)) {
      throw cardError(200621, "parse card json err, please check whether the card json is correct");
    }
    if (countElements(card.body, CARD_ELEMENTS_MAX) > CARD_ELEMENTS_MAX) {
      throw cardError(11310, "element exceeds the limit");
    }
    return;
  }
  if (countElements(card.elements ?? card.i18n_elements, CARD_ELEMENTS_MAX) > CARD_ELEMENTS_MAX) {
    throw cardError(11310, "element exceeds the limit");
  }
}
