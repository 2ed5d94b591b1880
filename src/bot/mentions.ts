/**
 * Lark writes each @mention into the text as a placeholder (@_user_1) and lists who it is in `mentions`.
 * Mentions before the command word address the bot; mentions after it are the command's people.
 */
import type { Mentioned } from "./command";

export interface RawMention {
  key: string;
  name: string;
  id: { open_id?: string };
}

export interface SplitText {
  /** The text with every placeholder removed, as the command reads it. */
  text: string;
  /** Mentions standing after the first non-mention word, in order, the bot excluded. */
  people: Mentioned[];
  /** Whether anything was @mentioned before the text began (how a group addresses the bot). */
  addressed: boolean;
}

export function splitMentions(raw: string, mentions: RawMention[] = [], botOpenId?: string): SplitText {
  const byKey = new Map(mentions.map((m) => [m.key, m]));
  const parts = raw.split(/(@_user_\d+|@_all)/);
  let seenText = false;
  let addressed = false;
  const people: Mentioned[] = [];
  let text = "";
  for (const part of parts) {
    const m = byKey.get(part);
    if (m || part === "@_all") {
      if (!seenText) addressed = true;
      else if (m?.id.open_id && m.id.open_id !== botOpenId && !people.some((p) => p.openId === m.id.open_id)) {
        people.push({ openId: m.id.open_id, name: m.name });
      }
      text += " ";
      continue;
    }
    if (part.trim()) seenText = true;
    text += part;
  }
  return { text: text.replace(/\s+/g, " ").trim(), people, addressed };
}
