/**
 * npm run import -- <file> [--year 2022] [--plan "名称"] [--dry-run] [--json]
 *                          [--create-units] [--allow-unresolved]
 *                          [--columns '{"事项":"category","内容描述":"requirement"}'] [--directory units.json]
 *
 * Reads a task decomposition table (.docx / .xlsx / .csv / text dump), prints what the importer
 * understood and writes it into the database at DATABASE_URL (default file:./data/duban.db, migrated
 * first), in one transaction, the way 确认导入 does in chat: a re-imported table updates its plan in
 * place (tasks matched by content keep their ids and progress). Unit names the directory does not
 * know stop the write (exit 4, nothing written) unless --create-units (named units become new units)
 * and/or --allow-unresolved (import, leaving those names unassigned, listed). --dry-run only reads
 * the file and never opens the database (--directory gives it a unit directory to check against).
 */
import { mkdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "@libsql/client";
import cliProgress from "cli-progress";
import { createDb } from "../../db/client";
import { migrate } from "../../db/migrate";
import { confirm, createTableUnits, preview } from "../importer/flow";
import { parsePlan, isImportError, type ParsedPlan, type ImportProgress, type UnitDirectory, type ColumnOverride } from "../importer/index";
import { previewSections, resultSections, sectionsText } from "../importer/report";
import { blockingNames, loadDirectory, UnresolvedUnitsError, type ImportResult } from "../importer/store";

export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
  isTTY: boolean;
  /** DATABASE_URL / DATABASE_AUTH_TOKEN (default: process.env). */
  env?: Record<string, string | undefined>;
  /** Epoch ms for the rows written (default: now). */
  now?: () => number;
}

interface Args {
  file?: string;
  year?: number;
  plan?: string;
  dryRun: boolean;
  json: boolean;
  columns?: ColumnOverride;
  directory?: string;
  createUnits: boolean;
  allowUnresolved: boolean;
  help: boolean;
}

const USAGE = `用法：npm run import -- <文件> [--year 2022] [--plan "计划名称"] [--dry-run] [--json]
      [--create-units] [--allow-unresolved] [--columns '{"列名":"requirement"}'] [--directory 单位目录.json]

  <文件>               任务分解表：Word（.docx）、Excel（.xlsx）、CSV，或文本导出
  --year               计划年份（标题中没有年份时必填）
  --plan               计划名称（默认取表格标题；同名同年的计划会被更新）
  --dry-run            只检查，不打开数据库、不写入
  --json               输出完整的解析结果（ParsedPlan；写入时另有 import 字段）
  --create-units       把表中未对应的单位名称创建为新单位（同一单位的不同写法合为一个，另记别名）
  --allow-unresolved   仍有未对应的单位名称或单位组时也写入，这些名称的任务先不分派（会列出）
  --columns            表头无法识别时指定各列含义，角色：seq category task requirement lead units responsible assist deadline note ignore
  --directory          单位目录 JSON（{ units: [{id,name,aliases}], groups: [{id,name,expressions,memberIds}] }），只用于 --dry-run

  写入的数据库：DATABASE_URL（默认 file:./data/duban.db，先自动迁移），DATABASE_AUTH_TOKEN。
  退出码：0 已写入（或检查通过），2 文件有问题，3 没有任务，4 有未对应的名称（未写入），5 缺少年份（未写入），
          64 参数错误，65 单位目录不是 JSON，66 文件无法读取。`;

export function parseArgs(argv: string[]): Args {
  const a: Args = { dryRun: false, json: false, help: false, createUnits: false, allowUnresolved: false };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i];
    const next = () => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${v} 需要一个值`);
      return x;
    };
    if (v === "--year") {
      const y = Number(next());
      if (!Number.isInteger(y) || y < 2000 || y > 2100) throw new Error("--year 应为四位年份，例如 2022");
      a.year = y;
    } else if (v === "--plan") a.plan = next();
    else if (v === "--dry-run") a.dryRun = true;
    else if (v === "--json") a.json = true;
    else if (v === "--columns") {
      try {
        a.columns = JSON.parse(next()) as ColumnOverride;
      } catch {
        throw new Error('--columns 应为 JSON，例如 \'{"事项":"category","内容描述":"requirement"}\'');
      }
    } else if (v === "--directory") a.directory = next();
    else if (v === "--create-units") a.createUnits = true;
    else if (v === "--allow-unresolved") a.allowUnresolved = true;
    else if (v === "-h" || v === "--help") a.help = true;
    else if (v.startsWith("--")) throw new Error(`未知参数 ${v}`);
    else if (!a.file) a.file = v;
    else throw new Error(`多余的参数 ${v}`);
  }
  if (a.directory && !a.dryRun) throw new Error("--directory 只能和 --dry-run 一起用：写入时以数据库中的单位目录为准");
  return a;
}

const KIND_LABELS: Record<string, string> = {
  absolute: "固定日期",
  recurring: "周期性",
  event_relative: "事件触发（信息形成、作出决定后 N 个工作日等）",
  continuing: "长期 / 持续",
  window: "时段（疫情防控期间等）",
  unknown: "未识别 / 没有时限",
};
const SOURCE_LABELS: Record<string, string> = {
  column: "时限列",
  requirement: "任务内容中",
  annotation: "公开时限说明行",
  none: "无",
};
const FORMAT_LABELS: Record<string, string> = { docx: "Word", xlsx: "Excel", csv: "CSV", text: "文本导出" };
const REF_KIND_LABELS: Record<string, string> = { unit: "单位", group: "单位组（各X）", unspecified: "未指明（有关/相关X）", descriptive: "描述性" };

function countBy<T>(xs: T[], key: (x: T) => string): [string, number][] {
  const m = new Map<string, number>();
  for (const x of xs) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => b[1] - a[1]);
}

export function summary(p: ParsedPlan, opts: { hasDirectory: boolean }): string {
  const lines: string[] = [];
  lines.push(`计划：${p.plan.title}${p.plan.year ? `（${p.plan.year} 年）` : "（年份未知）"}${p.plan.issuedOn ? `，印发日期 ${p.plan.issuedOn}` : ""}`);
  lines.push(`文件格式：${FORMAT_LABELS[p.format] ?? p.format}`);
  const taskTables = p.tables.filter((t) => t.kind === "tasks");
  lines.push(`任务：${p.tasks.length} 条${taskTables.length ? `（${taskTables.map((t) => `${t.label} ${t.tasks} 条`).join("，")}）` : ""}`);
  const lead = p.tasks.filter((t) => t.leadUnits.length > 0).length;
  const open = p.tasks.filter((t) => t.unitsOpen).length;
  const none = p.tasks.filter((t) => t.unitRefs.length === 0).length;
  lines.push(`  有牵头单位 ${lead} 条，单位未列全（等、有关部门）${open} 条，没有责任单位 ${none} 条`);
  lines.push("");
  const kinds = countBy(p.units, (u) => u.kind);
  lines.push(`单位名称：${p.units.length} 个（${kinds.map(([k, n]) => `${REF_KIND_LABELS[k] ?? k} ${n}`).join("，")}）`);
  const top = p.units.slice(0, 10).map((u) => `${u.text}（${u.tasks}）`);
  if (top.length) lines.push(`  任务最多：${top.join("、")}`);
  if (opts.hasDirectory) {
    lines.push(p.unresolvedUnits.length ? `未对应到单位目录的名称 ${p.unresolvedUnits.length} 个：${p.unresolvedUnits.join("、")}` : "所有单位名称都已对应到单位目录。");
  } else {
    lines.push(`未提供单位目录（--directory）：以上 ${p.unresolvedUnits.length} 个名称都需要管理员与单位目录对应。`);
  }
  lines.push("");
  lines.push("时限分类：");
  for (const [k, n] of countBy(p.tasks, (t) => t.deadline.kind)) lines.push(`  ${KIND_LABELS[k] ?? k}：${n} 条`);
  lines.push(`时限来源：${countBy(p.tasks, (t) => t.deadlineSource).map(([k, n]) => `${SOURCE_LABELS[k] ?? k} ${n}`).join("，")}`);
  const sla = p.tasks.filter((t) => t.sla.length > 0).length;
  if (sla) lines.push(`附有公开渠道/时限说明的任务：${sla} 条`);
  if (p.leadAssignments.length) lines.push(`县直部门牵头清单：${p.leadAssignments.length} 项（作为牵头信息，不是任务）`);
  lines.push("");
  if (p.skipped.length) {
    lines.push(`跳过 ${p.skipped.length} 项：`);
    for (const s of p.skipped) lines.push(`  - ${s.what}（${s.where}）：${s.reason}`);
  } else lines.push("跳过：无");
  if (p.warnings.length) {
    lines.push(`提醒 ${p.warnings.length} 条：`);
    for (const w of p.warnings.slice(0, 20)) lines.push(`  - ${w}`);
    if (p.warnings.length > 20) lines.push(`  …另有 ${p.warnings.length - 20} 条（用 --json 查看全部）`);
  }
  return lines.join("\n");
}

export async function runImportCli(argv: string[], io: CliIo): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    io.err(`${(e as Error).message}\n\n${USAGE}`);
    return 64;
  }
  if (args.help || !args.file) {
    (args.help ? io.out : io.err)(USAGE);
    return args.help ? 0 : 64;
  }
  let bytes: Uint8Array;
  let size = 0;
  try {
    size = statSync(args.file).size;
    bytes = new Uint8Array(readFileSync(args.file));
  } catch (e) {
    io.err(`无法读取文件 ${args.file}：${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return 66;
  }
  let directory: UnitDirectory | undefined;
  if (args.directory) {
    try {
      directory = JSON.parse(readFileSync(args.directory, "utf8")) as UnitDirectory;
    } catch (e) {
      io.err(`单位目录 ${args.directory} 不是有效的 JSON：${(e as Error).message}`);
      return 65;
    }
  }

  // A progress bar for long files on a terminal.
  let bar: cliProgress.SingleBar | null = null;
  const onProgress =
    io.isTTY && !args.json && size > 150_000
      ? (p: ImportProgress) => {
          if (p.phase === "understand" || p.phase === "deadlines") {
            if (!bar) {
              bar = new cliProgress.SingleBar({ format: "导入 [{bar}] {percentage}% {value}/{total} {phase}", stream: process.stderr, clearOnComplete: true, hideCursor: true }, cliProgress.Presets.shades_classic);
              bar.start(p.total, 0, { phase: "" });
            }
            bar.setTotal(p.total);
            bar.update(p.done, { phase: p.phase === "understand" ? "读表" : "时限" });
          }
        }
      : undefined;

  // Writing: the database's directory resolves the names (and the preview compares with what is there).
  const store = args.dryRun ? undefined : await openDatabase(io.env ?? process.env);
  if (store) directory = (await loadDirectory(store.db)).directory;

  let plan: ParsedPlan;
  try {
    plan = await parsePlan(bytes, basename(args.file), { year: args.year, title: args.plan, columns: args.columns, directory, onProgress });
  } catch (e) {
    (bar as cliProgress.SingleBar | null)?.stop();
    store?.close();
    if (isImportError(e)) {
      io.err(`导入失败：${e.message}`);
      if (e.detail) io.err(`（技术信息：${e.code} ${e.detail}）`);
      return 2;
    }
    throw e;
  }
  (bar as cliProgress.SingleBar | null)?.stop();

  if (!store) {
    if (args.json) {
      io.out(JSON.stringify(plan, null, 2));
      return 0;
    }
    io.out(summary(plan, { hasDirectory: !!directory }));
    io.out("");
    io.out("试运行（--dry-run）：没有写入任何数据。");
    return plan.tasks.length > 0 ? 0 : 3;
  }
  try {
    return await write(plan, basename(args.file), args, store, io);
  } finally {
    store.close();
  }
}

interface Store {
  db: ReturnType<typeof createDb>;
  where: string;
  close(): void;
}

/** The database at DATABASE_URL, migrated (as the Node server does at start-up). */
async function openDatabase(env: Record<string, string | undefined>): Promise<Store> {
  const url = env.DATABASE_URL?.trim() || "file:./data/duban.db";
  if (url.startsWith("file:")) {
    const path = url.slice("file:".length);
    if (path && path !== ":memory:") mkdirSync(dirname(path.startsWith("//") ? fileURLToPath(url) : path), { recursive: true });
  }
  const client = createClient({ url, authToken: env.DATABASE_AUTH_TOKEN?.trim() || undefined, ...(url.startsWith("file:") ? { timeout: 5000 } : {}) });
  await client.execute("PRAGMA foreign_keys = ON");
  await migrate(client);
  return { db: createDb(client), where: url.startsWith("file:") ? url : new URL(url).origin, close: () => client.close() };
}

/** Writes the parsed table the way 确认导入 does; returns the exit code. */
async function write(plan: ParsedPlan, fileName: string, args: Args, store: Store, io: CliIo): Promise<number> {
  const json = (extra: Record<string, unknown>) => io.out(JSON.stringify({ ...plan, import: extra }, null, 2));
  if (!args.json) {
    io.out(summary(plan, { hasDirectory: true }));
    io.out("");
  }
  if (plan.tasks.length === 0) {
    if (args.json) json({ written: false, reason: "no_tasks" });
    else io.out("没有写入：文件里没有认出任务。");
    return 3;
  }
  if (plan.plan.year === null) {
    if (args.json) json({ written: false, reason: "no_year" });
    else io.out("没有写入：表格标题里没有年份，请加 --year 2022 再运行。");
    return 5;
  }
  const p = await preview(store.db, plan, fileName);
  const blocking = blockingNames(p.batch);
  if (!args.json) {
    const compare = previewSections(p, { chat: false }).filter((s) => s.heading === "与已导入的内容相比" || s.heading.startsWith("没有具体单位"));
    if (compare.length) io.out(sectionsText(compare) + "\n");
  }
  const refuse = (names: { text: string; kind: string; tasks: number }[]) => {
    if (args.json) {
      json({ written: false, reason: "unresolved_units", unresolved: names });
      return 4;
    }
    const groups = names.filter((n) => n.kind === "group");
    io.out(`没有写入：${names.length} 个单位名称在数据库里没有对应（${names.map((n) => n.text).join("、")}）。`);
    io.out(
      groups.length && !names.some((n) => n.kind === "unit")
        ? "单位组要在聊天中用「单位组」定义；或加 --allow-unresolved 先导入，这些名称的任务先不分派。"
        : "在聊天中用「新单位」「映射」「单位组」登记；或加 --create-units 把单位名称建为新单位，加 --allow-unresolved 先导入（未对应的名称先不分派）。",
    );
    return 4;
  };
  if (blocking.length && !args.createUnits && !args.allowUnresolved) return refuse(blocking);

  const actor = `cli:${(io.env ?? process.env).USER ?? "admin"}`;
  const at = (io.now ?? Date.now)();
  let outcome: { result: ImportResult; created: string[]; pending: ReturnType<typeof blockingNames> };
  try {
    outcome = await store.db.transaction(async (tx) => {
      const made = args.createUnits ? await createTableUnits(tx, plan, fileName, actor, at) : { created: [] };
      const r = await confirm(tx, plan, fileName, { actor, at, allowUnresolved: args.allowUnresolved });
      return { result: r.result, created: made.created, pending: r.pending };
    });
  } catch (e) {
    if (e instanceof UnresolvedUnitsError) return refuse(e.names);
    throw e;
  }
  if (args.json) {
    json({ written: true, database: store.where, result: outcome.result, createdUnits: outcome.created, pending: outcome.pending });
    return 0;
  }
  io.out(sectionsText(resultSections(outcome.result, { chat: false, createdUnits: outcome.created, pending: outcome.pending })));
  io.out(`\n已写入 ${store.where}。`);
  return 0;
}

const isMain = process.argv[1] && /src[\\/]cli[\\/]import\.ts$/.test(process.argv[1]);
if (isMain) {
  runImportCli(process.argv.slice(2), {
    out: (s) => process.stdout.write(s + "\n"),
    err: (s) => process.stderr.write(s + "\n"),
    isTTY: !!process.stderr.isTTY,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`内部错误：${e instanceof Error ? e.stack : String(e)}\n`);
      process.exitCode = 70;
    },
  );
}
