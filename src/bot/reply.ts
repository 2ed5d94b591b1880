/**
 * What a command answers, independent of Lark's wire format: src/lark/cards renders it
 * as a card JSON 2.0, the sandbox renders it as plain text.
 */
export type Tone = "blue" | "green" | "orange" | "red" | "grey";

export type Block =
  | { type: "markdown"; text: string }
  | { type: "fields"; fields: { label: string; value: string }[] }
  | { type: "divider" }
  | { type: "note"; text: string }
  | { type: "buttons"; buttons: { label: string; command: string; primary?: boolean }[] };

export interface CardSpec {
  title: string;
  tone: Tone;
  blocks: Block[];
}

export type Reply = { text: string } | { card: CardSpec };

export const text = (t: string): Reply => ({ text: t });
export const card = (title: string, tone: Tone, blocks: Block[]): Reply => ({ card: { title, tone, blocks } });
