/**
 * Overdue alerts and escalation, on working mornings.
 *
 * An assignment is n working days overdue on `date` when n working days lie after its due date up to
 * and including `date` (due Friday → Monday is day 1). From day 1 the unit's group and its liaisons
 * (direct message) are told; again every `reminderIntervalWorkdays`; from day `escalateAfterWorkdays`
 * on, the admin chat and the group of the task's lead unit are told too, at the same interval.
 * The memory of who was told when is the `reminders` table, written in the same transaction as the
 * messages; at most one reminder of each kind per assignment per business date.
 */
import { lastReminders, recordReminders } from "../../db/queries/jobs";
import { coverageNote } from "../domain/calendar";
import { parseDate } from "../domain/dates";
import { alertCard, escalationAdminCard, escalationLeadCard, type AlertItem, type EscalationItem } from "./cards";
import { dayOffReason } from "./digest";
import { adminRecipients, dryRunReports, plan, writeGroups, type JobDeps, type JobOptions, type JobResult, type Planned } from "./plan";
import { isOverdueOn, scheduleReader } from "./schedule";
import { loadSettings } from "./settings";
import { groupRecipients, liaisonRecipients, readWorld, unitName } from "./world";

export async function runAlerts(deps: JobDeps, date: string, opts: JobOptions = {}): Promise<JobResult> {
  const result: JobResult = { job: "alerts", date, messages: [], notes: [] };
  const off = dayOffReason(deps, date);
  if (off) return { ...result, skipped: off };
  const cal = deps.calendar;
  const settings = await loadSettings(deps.db);
  const interval = settings.reminderIntervalWorkdays;
  const escalateAfter = settings.escalateAfterWorkdays;
  const [w, lastAlert, lastEscalation, admins] = await Promise.all([
    readWorld(deps.db),
    lastReminders(deps.db, "overdue"),
    lastReminders(deps.db, "escalation"),
    adminRecipients(deps.db),
  ]);
  const schedule = scheduleReader(cal);
  const notice = coverageNote(cal, parseDate(date).year);

  /** Told before in this overdue spell (after the current due date)? Then only once the interval has passed. */
  const dueAgain = (last: string | undefined, due: string) => !last || last <= due || (last < date && cal.workdaysBetween(last, date) >= interval);

  const overdue = w.assignments
    .filter((a) => isOverdueOn(a, schedule(a), date))
    .map((a) => ({ a, workdays: cal.workdaysBetween(a.dueDate!, date) }))
    .filter((i) => i.workdays >= 1);
  const alerts = overdue.filter((i) => dueAgain(lastAlert.get(i.a.id), i.a.dueDate!));
  if (overdue.length > alerts.length) {
    result.notes.push(`另有 ${overdue.length - alerts.length} 项逾期任务在提醒间隔（${interval} 个工作日）内已提醒过，今天不重复`);
  }
  const escalations: EscalationItem[] = overdue
    .filter((i) => i.workdays >= escalateAfter && dueAgain(lastEscalation.get(i.a.id), i.a.dueDate!))
    .map((i) => ({ ...i, unitName: unitName(w, i.a.unitId) }));

  // Which assignments each planned message speaks of: a reminder is recorded only when a message about it was written.
  const about = new Map<string, number[]>();
  const groups: Planned[][] = [];

  const byUnit = new Map<number, AlertItem[]>();
  for (const i of alerts) byUnit.set(i.a.unitId, [...(byUnit.get(i.a.unitId) ?? []), i]);
  for (const [unitId, items] of byUnit) {
    const recipients = [...groupRecipients(w, unitId), ...liaisonRecipients(w, unitId)];
    if (!recipients.length) {
      result.notes.push(`${unitName(w, unitId)}有 ${items.length} 项逾期，但没有工作群和联络员，逾期提醒无处发送`);
      continue;
    }
    const reply = alertCard(unitName(w, unitId), date, items, escalateAfter, notice);
    const g = recipients.map((r) => plan("alert", r, `unit-${unitId}`, date, date, reply));
    for (const p of g) about.set(p.key, items.map((i) => i.a.id));
    groups.push(g);
  }

  if (escalations.length) {
    const g: Planned[] = [];
    if (!admins.length) result.notes.push(`有 ${escalations.length} 项逾期需要升级，但没有管理群也没有登记的管理员：请在管理群发送「设置 管理群」`);
    const adminCard = escalationAdminCard(date, escalations, escalateAfter);
    for (const r of admins) {
      const p = plan("escalation", r, "all", date, date, adminCard);
      about.set(p.key, escalations.map((i) => i.a.id));
      g.push(p);
    }
    // The lead unit's group hears about its co-units' lateness (not about its own: it has the alert).
    const leads = new Map<number, Set<number>>();
    for (const a of w.assignments) if (a.role === "lead") leads.set(a.taskId, (leads.get(a.taskId) ?? new Set()).add(a.unitId));
    const byLead = new Map<number, EscalationItem[]>();
    for (const e of escalations) {
      for (const lead of leads.get(e.a.taskId) ?? []) if (lead !== e.a.unitId) byLead.set(lead, [...(byLead.get(lead) ?? []), e]);
    }
    for (const [lead, items] of byLead) {
      const card = escalationLeadCard(unitName(w, lead), date, items);
      for (const r of groupRecipients(w, lead)) {
        const p = plan("escalation", r, `lead-${lead}`, date, date, card);
        about.set(p.key, items.map((i) => i.a.id));
        g.push(p);
      }
    }
    groups.push(g);
  }

  if (opts.dryRun) {
    result.messages = await dryRunReports(deps.db, groups.flat());
    return result;
  }
  const at = deps.now();
  result.messages = await writeGroups(deps.db, groups, async (tx, group, fresh) => {
    const told = { overdue: new Set<number>(), escalation: new Set<number>() };
    group.forEach((p, i) => {
      if (!fresh[i]) return;
      for (const id of about.get(p.key) ?? []) told[p.kind === "alert" ? "overdue" : "escalation"].add(id);
    });
    await recordReminders(tx, [...told.overdue].map((id) => ({ assignmentId: id, kind: "overdue" as const })), date, at);
    await recordReminders(tx, [...told.escalation].map((id) => ({ assignmentId: id, kind: "escalation" as const })), date, at);
  });
  return result;
}
