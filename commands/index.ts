/** Every chat command, in the order 帮助 lists them. One module per command. */
import type { Command } from "../src/bot/command";
import addUnit from "./add-unit";
import assign from "./assign";
import bind from "./bind";
import confirmImport from "./confirm-import";
import createUnits from "./create-units";
import discardImport from "./discard-import";
import done from "./done";
import dueThisWeek from "./due-this-week";
import emptyDigest from "./empty-digest";
import event from "./event";
import help from "./help";
import holidays from "./holidays";
import importTable from "./import";
import liaison from "./liaison";
import mapUnit from "./map-unit";
import myTasks from "./my-tasks";
import newTask from "./new-task";
import overdue from "./overdue";
import parseDeadline from "./parse-deadline";
import progress from "./progress";
import settings from "./settings";
import task from "./task";
import unitGroup from "./unit-group";
import units from "./units";

export const commands: readonly Command[] = [
  help,
  myTasks,
  dueThisWeek,
  overdue,
  task,
  progress,
  done,
  event,
  emptyDigest,
  addUnit,
  units,
  bind,
  liaison,
  assign,
  newTask,
  importTable,
  confirmImport,
  discardImport,
  createUnits,
  mapUnit,
  unitGroup,
  parseDeadline,
  settings,
  holidays,
];
