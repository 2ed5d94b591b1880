/** The scenarios on Node with the embedded libSQL file: the default deployment. */
import { describe } from "vitest";
import { startNodeTarget } from "./harness";
import { runtimeScenarios } from "./scenarios";

describe("node + embedded file", () => runtimeScenarios(() => startNodeTarget("file")));
