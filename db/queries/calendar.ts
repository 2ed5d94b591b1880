import { asc } from "drizzle-orm";
import type { Tx } from "../client";
import { calendarOverlay } from "../schema";

export async function overlayDays(db: Tx) {
  return db.select().from(calendarOverlay).orderBy(asc(calendarOverlay.date));
}
