/** The scenarios on the built Worker in workerd (Miniflare), with sqld over HTTP. */
import { describe } from "vitest";
import { startWorkerTarget } from "./harness";
import { runtimeScenarios } from "./scenarios";

describe("workerd + sqld", () => runtimeScenarios(startWorkerTarget));
