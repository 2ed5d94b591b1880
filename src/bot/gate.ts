/**
 * At most `limit` events are worked on at once, each started on a fresh turn of the event loop, and
 * — when the runtime says how — only once no request is waiting for its acknowledgement. On the
 * embedded database every query runs synchronously, so an event being answered holds the one thread
 * for a few milliseconds; acknowledgements go first, and Lark (which retries after 3 s) never waits
 * behind work it has already been told is received.
 */
export class Gate {
  private running = 0;
  private waiting: (() => void)[] = [];

  constructor(
    private readonly limit: number,
    private readonly quiet: () => Promise<void> = () => new Promise((r) => setTimeout(r, 0)),
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    else this.running++;
    try {
      await this.quiet();
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
