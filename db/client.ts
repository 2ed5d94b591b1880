import type { Client } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import * as schema from "./schema";

/**
 * The database handle used everywhere. The runtime creates the libSQL client
 * (embedded file on Node, HTTP on Workers) and hands it here.
 */
export function createDb(client: Client) {
  return drizzle(client, { schema });
}

export type Db = ReturnType<typeof createDb>;
/** A transaction or the database itself: query functions accept either. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0] | Db;
export { schema };
