/** A task's identity across re-imports: its requirement text without spacing and punctuation. */
export function contentKeyOf(requirement: string): string {
  return requirement
    .normalize("NFKC")
    .replace(/[\s\p{P}\p{S}]/gu, "")
    .toLowerCase();
}
