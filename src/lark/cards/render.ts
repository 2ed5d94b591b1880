/** Renders a command's reply as Lark message content (card JSON 2.0 or text). */
import type { Block, CardSpec, Reply } from "../../bot/reply";

function element(b: Block): unknown[] {
  switch (b.type) {
    case "markdown":
      return [{ tag: "markdown", content: b.text }];
    case "note":
      return [{ tag: "markdown", content: b.text, text_size: "notation" }];
    case "divider":
      return [{ tag: "hr" }];
    case "fields":
      return [{ tag: "markdown", content: b.fields.map((f) => `**${f.label}**：${f.value}`).join("\n") }];
    case "buttons":
      return [
        {
          tag: "column_set",
          flex_mode: "flow",
          columns: b.buttons.map((btn) => ({
            tag: "column",
            width: "auto",
            elements: [
              {
                tag: "button",
                text: { tag: "plain_text", content: btn.label },
                type: btn.primary ? "primary" : "default",
                behaviors: [{ type: "callback", value: { command: btn.command } }],
              },
            ],
          })),
        },
      ];
  }
}

export function renderCard(c: CardSpec): Record<string, unknown> {
  return {
    schema: "2.0",
    config: { update_multi: true, width_mode: "fill" },
    header: { title: { tag: "plain_text", content: c.title }, template: c.tone },
    body: { elements: c.blocks.flatMap(element) },
  };
}

export function toMessage(r: Reply): { msgType: "text" | "interactive"; content: string } {
  if ("text" in r) return { msgType: "text", content: JSON.stringify({ text: r.text }) };
  return { msgType: "interactive", content: JSON.stringify(renderCard(r.card)) };
}
