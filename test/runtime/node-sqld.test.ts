/** The scenarios on Node with a libSQL server (sqld) over HTTP: DATABASE_URL=http://127.0.0.1:PORT. */
import { describe } from "vitest";
import { startNodeTarget } from "./harness";
import { runtimeScenarios } from "./scenarios";

describe("node + sqld", () => runtimeScenarios(() => startNodeTarget("sqld")));
