/**
 * Writes docs/COMMANDS.md from the command registry, so the reference never drifts from the code:
 *   npm run docs:commands
 * test/docs.test.ts fails when the file is out of date.
 */
import { writeFileSync } from "node:fs";
import { commands } from "../../commands";

const ROLE = { anyone: "所有人", liaison: "联络员（及单位群成员、管理员）", admin: "管理员" } as const;

export function commandsMarkdown(): string {
  const lines = [
    "# Chat commands",
    "",
    "Generated from `commands/` by `npm run docs:commands`; do not edit by hand.",
    "",
    "In a direct chat, send the command as it is. In a group chat, @mention the bot first. Chinese words come first; the English alias works the same way. Arguments are separated by spaces; unit lists by 、 or commas.",
    "",
    "| command | words | who | what it does | example |",
    "|---|---|---|---|---|",
  ];
  const cell = (s: string) => s.replace(/\|/g, "\\|");
  for (const c of commands) {
    const words = c.words.map((w) => `\`${cell(w)}\``).join(" ");
    const where = c.groupOnly ? "（群聊中）" : "";
    lines.push(`| \`${cell(c.usage)}\` | ${words} | ${ROLE[c.role]}${where} | ${cell(c.summary)} | \`${cell(c.examples[0])}\` |`);
  }
  lines.push("", "Each command lives in `commands/<name>.ts`: its words, role, argument handling and handler.", "");
  return lines.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(new URL("../../docs/COMMANDS.md", import.meta.url), commandsMarkdown());
  console.log(`docs/COMMANDS.md: ${commands.length} commands`);
}
