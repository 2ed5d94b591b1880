/**
 * The data the webhook and Worker benchmarks run against: `units` units, each with a liaison
 * (ou_bench_<n>), and `tasks` tasks in one plan, each assigned to two units with a due date spread
 * over the year; every fifth assignment done.
 */
import type { Client } from "@libsql/client";

export async function seedBenchData(c: Client, units: number, tasks: number): Promise<void> {
  const stmts: { sql: string; args: (string | number)[] }[] = [];
  for (let u = 1; u <= units; u++) {
    stmts.push({ sql: "INSERT INTO units (id, name) VALUES (?, ?)", args: [u, `示例单位${u}`] });
    stmts.push({ sql: "INSERT INTO unit_aliases (key, alias, unit_id) VALUES (?, ?, ?)", args: [`示例单位${u}`, `示例单位${u}`, u] });
    stmts.push({ sql: "INSERT INTO members (open_id, name, role, unit_id) VALUES (?, ?, 'liaison', ?)", args: [`ou_bench_${u}`, `联络员${u}`, u] });
  }
  stmts.push({ sql: "INSERT INTO plans (id, title, year) VALUES (1, '基准测试任务表', 2026)", args: [] });
  for (let t = 1; t <= tasks; t++) {
    const due = `2026-${String(1 + (t % 12)).padStart(2, "0")}-${String(1 + (t % 28)).padStart(2, "0")}`;
    stmts.push({ sql: "INSERT INTO tasks (id, plan_id, requirement, due_date, content_key) VALUES (?, 1, ?, ?, ?)", args: [t, `第${t}项政务公开任务：按要求在政府网站公开相关信息并及时更新。`, due, `k${t}`] });
    for (const u of [1 + (t % units), 1 + ((t * 7) % units)]) {
      stmts.push({ sql: "INSERT OR IGNORE INTO assignments (task_id, unit_id, due_date, status) VALUES (?, ?, ?, ?)", args: [t, u, due, t % 5 === 0 ? "done" : "todo"] });
    }
  }
  // Batches of a few thousand: one large batch is one long write that a libSQL server may time out.
  for (let i = 0; i < stmts.length; i += 2000) await c.batch(stmts.slice(i, i + 2000), "write");
}
