/**
 * The example a newcomer meets in sandbox mode: a few units, a liaison, a bound group and tasks
 * taken from the 2022 沂源 table, dated around today so that 我的任务 / 本周到期 / 逾期 all show something.
 * Everything is labelled 示例 so nobody mistakes it for real work.
 */
import type { Db } from "../../db/client";
import { bindChat, setMember } from "../../db/queries/members";
import { addAssignment } from "../../db/queries/tasks";
import { upsertUnit } from "../../db/queries/units";
import { plans, tasks, units } from "../../db/schema";
import { contentKeys } from "../importer/build";
import { addDays, formatCn } from "../domain/dates";

export const SANDBOX_PEOPLE = {
  admin: { openId: "ou_sandbox_admin", name: "示例管理员" },
  liaison: { openId: "ou_sandbox_liaison", name: "示例联络员（县教体局）" },
  stranger: { openId: "ou_sandbox_stranger", name: "未登记的人" },
};
export const SANDBOX_CHATS = { unitGroup: "oc_sandbox_jiaoti", adminGroup: "oc_sandbox_admin" };

export async function seedExample(db: Db, today: string, at: number): Promise<boolean> {
  if ((await db.select({ id: units.id }).from(units).limit(1)).length) return false;
  await db.transaction(async (tx) => {
    const jiaoti = (await upsertUnit(tx, "县教育和体育局", ["县教体局"])).unit;
    const weijian = (await upsertUnit(tx, "县卫生健康局", ["县卫健局", "县卫计局"])).unit;
    const sifa = (await upsertUnit(tx, "县司法局")).unit;
    await upsertUnit(tx, "南麻街道");
    await setMember(tx, { ...SANDBOX_PEOPLE.admin, role: "admin", unitId: null }, at);
    await setMember(tx, { ...SANDBOX_PEOPLE.liaison, role: "liaison", unitId: jiaoti.id }, at);
    await bindChat(tx, { chatId: SANDBOX_CHATS.unitGroup, kind: "unit", unitId: jiaoti.id, boundBy: SANDBOX_PEOPLE.admin.openId }, at);
    const [plan] = await tx.insert(plans).values({ title: "【示例数据】2026年政务公开重点工作任务", year: Number(today.slice(0, 4)), sourceName: "sandbox" }).returning();
    // Due dates are days from today, so the example always has something overdue and due this week.
    const examples: [string, string | null, number | null, number[]][] = [
      ["加强义务教育招生入学政策公开，及时发布招生范围、招生条件、学校情况、招生结果等信息。", null, -3, [jiaoti.id]],
      ["公开年度重大行政决策目录，并在决策草案公开征求意见时说明起草背景和依据。", null, 2, [sifa.id, jiaoti.id]],
      ["做好疫情防控信息发布，及时公开疫苗接种、核酸检测等服务信息。", null, 5, [weijian.id, jiaoti.id]],
      ["在政府网站公开本部门权责清单，并根据机构和职能情况动态调整。", "长期坚持", null, [jiaoti.id, weijian.id, sifa.id]],
      ["编制2025年度政府信息公开工作年度报告，并在政府网站公开。", null, 20, [jiaoti.id]],
    ];
    for (const [requirement, phrase, offset, unitIds] of examples) {
      const due = offset === null ? null : addDays(today, offset);
      const deadlineText = phrase ?? `${formatCn(due!)}前`;
      const [t] = await tx
        .insert(tasks)
        .values({ planId: plan.id, requirement, deadlineText, dueDate: due, contentKey: contentKeys([{ requirement, category: [] }])[0], category: JSON.stringify(["示例"]) })
        .returning();
      for (const u of unitIds) await addAssignment(tx, { taskId: t.id, unitId: u, dueDate: due }, at);
    }
  });
  return true;
}
