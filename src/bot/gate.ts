/**
 * At most `limit` events are worked on at once, each started on a fresh turn of the event loop.
 * Acknowledging a webhook needs the event loop for a moment; without the gate a burst of events
 * would each take their turns too, and the acknowledgements would queue behind all of them.
 */
export class Gate {
  private running = 0;
  private waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    else this.running++;
    try {
      await new Promise((r) => setTimeout(r, 0));
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
