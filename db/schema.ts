/**
 * The task store. Dates that are business dates (due dates, digest dates) are
 * `YYYY-MM-DD` strings in Asia/Shanghai; instants are epoch milliseconds.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const now = sql`(unixepoch('subsec') * 1000)`;

/** 单位: a township, a county department, a city bureau… */
export const units = sqliteTable("units", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  createdAt: integer("created_at").notNull().default(now),
});

/** Other names for a unit (县住建局 = 县住房城乡建设局). `key` is the normalised spelling. */
export const unitAliases = sqliteTable("unit_aliases", {
  key: text("key").primaryKey(),
  alias: text("alias").notNull(),
  unitId: integer("unit_id").notNull().references(() => units.id, { onDelete: "cascade" }),
});

/** Named sets of units that tables address as a whole (各镇、街道、经济开发区; 县直各部门、单位). */
export const unitGroups = sqliteTable("unit_groups", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  /** JSON array of the expressions that mean this group in tables. */
  expressions: text("expressions").notNull().default("[]"),
});

export const unitGroupMembers = sqliteTable(
  "unit_group_members",
  {
    groupId: integer("group_id").notNull().references(() => unitGroups.id, { onDelete: "cascade" }),
    unitId: integer("unit_id").notNull().references(() => units.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.unitId] })],
);

/** People the bot knows: admins of the county office and unit liaisons (联络员). */
export const members = sqliteTable("members", {
  openId: text("open_id").primaryKey(),
  name: text("name").notNull().default(""),
  role: text("role", { enum: ["admin", "liaison"] }).notNull(),
  unitId: integer("unit_id").references(() => units.id, { onDelete: "set null" }),
  createdAt: integer("created_at").notNull().default(now),
  updatedAt: integer("updated_at").notNull().default(now),
});

/** A group chat bound to a unit (its digests go there) or the admin chat. */
export const chatBindings = sqliteTable("chat_bindings", {
  chatId: text("chat_id").primaryKey(),
  kind: text("kind", { enum: ["unit", "admin"] }).notNull(),
  unitId: integer("unit_id").references(() => units.id, { onDelete: "cascade" }),
  muteEmptyDigest: integer("mute_empty_digest", { mode: "boolean" }).notNull().default(true),
  boundBy: text("bound_by").notNull(),
  boundAt: integer("bound_at").notNull().default(now),
});

/** One imported 任务分解表 (or the admin's own list). */
export const plans = sqliteTable("plans", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  title: text("title").notNull(),
  year: integer("year").notNull(),
  sourceName: text("source_name"),
  createdAt: integer("created_at").notNull().default(now),
  updatedAt: integer("updated_at").notNull().default(now),
});

/** A task of a plan. `id` is the short number users type (任务 12). */
export const tasks = sqliteTable(
  "tasks",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    planId: integer("plan_id").notNull().references(() => plans.id, { onDelete: "cascade" }),
    seq: text("seq").notNull().default(""),
    /** JSON array: the category path, outermost first. */
    category: text("category").notNull().default("[]"),
    requirement: text("requirement").notNull(),
    /** The unit cells as written in the table, kept for display. */
    leadText: text("lead_text").notNull().default(""),
    responsibleText: text("responsible_text").notNull().default(""),
    deadlineText: text("deadline_text").notNull().default(""),
    /** JSON: the structured schedule read from the deadline text (src/domain/deadline.ts). */
    deadline: text("deadline"),
    dueDate: text("due_date"),
    /** Normalised requirement text: how a re-imported table finds the same task. */
    contentKey: text("content_key").notNull(),
    createdBy: text("created_by"),
    createdAt: integer("created_at").notNull().default(now),
    updatedAt: integer("updated_at").notNull().default(now),
    removedAt: integer("removed_at"),
    /**
     * JSON: the unit references of the imported table row as written ({text, kind, role}) with the unit
     * ids each resolved to when it was imported. A re-import compares against it, so that it changes
     * only the assignments the table made (an admin's own 指派 is left alone).
     */
    unitRefs: text("unit_refs").notNull().default("[]"),
  },
  (t) => [index("tasks_plan").on(t.planId), index("tasks_content").on(t.planId, t.contentKey)],
);

/**
 * One unit's share of a task. Recurring and event-triggered tasks have one row per
 * period or event (`instance`: "" for a one-off, "2026-Q1", "event:7" …), each with its own due date.
 */
export const assignments = sqliteTable(
  "assignments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    taskId: integer("task_id").notNull().references(() => tasks.id, { onDelete: "cascade" }),
    unitId: integer("unit_id").notNull().references(() => units.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["lead", "responsible"] }).notNull().default("responsible"),
    instance: text("instance").notNull().default(""),
    status: text("status", { enum: ["todo", "doing", "done"] }).notNull().default("todo"),
    dueDate: text("due_date"),
    doneNote: text("done_note"),
    doneBy: text("done_by"),
    doneAt: integer("done_at"),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [
    uniqueIndex("assignments_key").on(t.taskId, t.unitId, t.instance),
    index("assignments_unit_due").on(t.unitId, t.status, t.dueDate),
  ],
);

export const progressNotes = sqliteTable(
  "progress_notes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    assignmentId: integer("assignment_id").notNull().references(() => assignments.id, { onDelete: "cascade" }),
    author: text("author").notNull(),
    text: text("text").notNull(),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [index("progress_assignment").on(t.assignmentId)],
);

/** Events that start a statutory clock (信息形成之日起20个工作日内), registered by a liaison. */
export const taskEvents = sqliteTable("task_events", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  taskId: integer("task_id").notNull().references(() => tasks.id, { onDelete: "cascade" }),
  unitId: integer("unit_id").notNull().references(() => units.id, { onDelete: "cascade" }),
  occurredOn: text("occurred_on").notNull(),
  note: text("note").notNull().default(""),
  createdBy: text("created_by").notNull(),
  createdAt: integer("created_at").notNull().default(now),
});

/** Who changed what, when: the ledger the office shows at assessment time. */
export const audit = sqliteTable(
  "audit",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: integer("at").notNull(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    subject: text("subject").notNull(),
    detail: text("detail").notNull().default("{}"),
  },
  (t) => [index("audit_subject").on(t.subject)],
);

/** Lark delivers events at least once; a row here means the event's effect is done or under way. */
export const processedEvents = sqliteTable("processed_events", {
  eventId: text("event_id").primaryKey(),
  status: text("status", { enum: ["working", "done"] }).notNull(),
  /** The decrypted event, kept until done so that one interrupted mid-way is picked up again. */
  payload: text("payload"),
  claimedUntil: integer("claimed_until").notNull(),
  receivedAt: integer("received_at").notNull(),
});

/**
 * Every message the bot sends, replies included, is first written here under a key that
 * names it (reply:<event>, digest:<chat>:<date> …), then delivered; a repeat of the key is a no-op.
 */
export const outbox = sqliteTable(
  "outbox",
  {
    key: text("key").primaryKey(),
    kind: text("kind").notNull(),
    /** "chat_id" | "open_id" | "reply" (receiveId is then the message being replied to) | "patch". */
    target: text("target").notNull(),
    receiveId: text("receive_id").notNull(),
    /** The chat or person the message lands with: Lark's 5-per-second limits are per chat and per user. */
    paceKey: text("pace_key").notNull().default(""),
    msgType: text("msg_type").notNull(),
    content: text("content").notNull(),
    status: text("status", { enum: ["pending", "sent", "failed"] }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    notBefore: integer("not_before").notNull().default(0),
    leaseUntil: integer("lease_until").notNull().default(0),
    lastError: text("last_error"),
    messageId: text("message_id"),
    businessDate: text("business_date"),
    createdAt: integer("created_at").notNull().default(now),
    sentAt: integer("sent_at"),
  },
  (t) => [index("outbox_due").on(t.status, t.notBefore)],
);

/** Admin settings (推送时间, 升级天数 …) as JSON values. */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedBy: text("updated_by"),
  updatedAt: integer("updated_at").notNull().default(now),
});

/** Official holiday days loaded by admins for years the holiday library does not cover yet. */
export const calendarOverlay = sqliteTable("calendar_overlay", {
  date: text("date").primaryKey(),
  workday: integer("workday", { mode: "boolean" }).notNull(),
  name: text("name").notNull().default(""),
  source: text("source").notNull().default(""),
});

/** A parsed table waiting for the admin's 确认导入; nothing of it is in the plan until then. */
export const importDrafts = sqliteTable("import_drafts", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  createdBy: text("created_by").notNull(),
  chatId: text("chat_id").notNull(),
  fileName: text("file_name").notNull(),
  parsed: text("parsed").notNull(),
  status: text("status", { enum: ["preview", "imported", "discarded"] }).notNull().default("preview"),
  createdAt: integer("created_at").notNull().default(now),
  /** When it was confirmed or discarded. */
  decidedAt: integer("decided_at"),
  /** The plan it was written into. */
  planId: integer("plan_id"),
  /** JSON: what the import changed (added / updated / removed / unchanged …), shown on a second 确认导入. */
  result: text("result"),
});

/**
 * Scheduled jobs (digest, alerts, summary …) that ran for a period (a business date, an ISO week,
 * a month): lets a scheduler ticking every minute skip work already done, and a second instance
 * skip work another one is doing (`lease_until`). The outbox keys, not this table, are what make a
 * message go out once; this only saves effort.
 */
export const jobRuns = sqliteTable(
  "job_runs",
  {
    job: text("job").notNull(),
    period: text("period").notNull(),
    status: text("status", { enum: ["running", "done"] }).notNull(),
    leaseUntil: integer("lease_until").notNull().default(0),
    startedAt: integer("started_at").notNull(),
    finishedAt: integer("finished_at"),
    /** JSON: what the run enqueued (counts), for the CLI and the logs. */
    detail: text("detail").notNull().default("{}"),
  },
  (t) => [primaryKey({ columns: [t.job, t.period] })],
);

/**
 * Which assignment was told about on which business date (overdue alert, escalation): the memory
 * behind "repeat every N working days" and "never more than once per assignment per day".
 * Written in the same transaction as the outbox rows that carry the message.
 */
export const reminders = sqliteTable(
  "reminders",
  {
    assignmentId: integer("assignment_id").notNull().references(() => assignments.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["overdue", "escalation"] }).notNull(),
    businessDate: text("business_date").notNull(),
    at: integer("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.assignmentId, t.kind, t.businessDate] })],
);

/** Outbox rows that finally failed and have been reported to the admins (one report may cover many). */
export const deliveryReports = sqliteTable("delivery_reports", {
  outboxKey: text("outbox_key").primaryKey(),
  reportKey: text("report_key").notNull(),
  at: integer("at").notNull(),
});
