/**
 * Category hierarchy: category cells carry down through empty / merged continuation cells; a new
 * label at level k ends every deeper level; labels re-typed at the top of a page are the same
 * category (compared after joining vertical text and removing letter spacing).
 */
import { categoryText } from "./text";

/** One category cell of a row, placed on category levels [level, level + span). */
export interface CategoryCell {
  level: number;
  span: number;
  /** Raw cell text; empty = continuation. */
  text: string;
}

export class CategoryTracker {
  private carry: (string | undefined)[];

  constructor(readonly levels: number) {
    this.carry = new Array(levels).fill(undefined);
  }

  /**
   * Feed one row. `cells` are the category cells present in the row (in level order); levels not
   * covered by any category cell (a requirement cell spanning a category column) are absent.
   * Returns the row's category path and whether the row started a new category at some level.
   */
  next(cells: CategoryCell[]): { path: string[]; changedAt: number | null } {
    const covered = new Array<boolean>(this.levels).fill(false);
    let changedAt: number | null = null;
    for (const c of cells) {
      const label = categoryText(c.text);
      for (let k = c.level; k < Math.min(this.levels, c.level + c.span); k++) covered[k] = true;
      if (label === "") continue;
      if (this.carry[c.level] !== label) {
        if (changedAt === null || c.level < changedAt) changedAt = c.level;
      }
      this.carry[c.level] = label;
      for (let k = c.level + 1; k < this.levels; k++) this.carry[k] = undefined;
    }
    // Levels this row does not have at all (spanned by the requirement): nothing deeper carries.
    for (let k = 0; k < this.levels; k++) {
      if (!covered[k]) {
        for (let q = k; q < this.levels; q++) this.carry[q] = undefined;
        break;
      }
    }
    const path = this.carry.filter((x): x is string => x !== undefined && x !== "");
    return { path, changedAt };
  }

  /** Category path as it stands (for rows without category cells). */
  current(): string[] {
    return this.carry.filter((x): x is string => x !== undefined && x !== "");
  }
}
