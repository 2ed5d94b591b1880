/** The command reference is generated from the registry; it must be regenerated when a command changes. */
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { commandsMarkdown } from "../src/cli/commands-doc";

it("docs/COMMANDS.md lists every command as the registry defines it (npm run docs:commands)", () => {
  expect(readFileSync(new URL("../docs/COMMANDS.md", import.meta.url), "utf8")).toBe(commandsMarkdown());
});
