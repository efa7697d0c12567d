/** A wake-up call between the runtime's loops: waiters sleep until notified or until their timeout. */
export class Signal {
  private waiters = new Set<() => void>();

  /** Resolves at the next `notify()`, or after `ms`. */
  public wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.waiters.add(done);
    });
  }

  /** Wakes every waiter. */
  public notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
