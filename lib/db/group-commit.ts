/**
 * Group commit: callers that arrive while a write is in flight share the next write, so under load
 * the database sees one statement per batch instead of one per caller, and an idle system pays no
 * added wait (the first caller writes at once). When a shared write fails, each caller's items are
 * retried alone, so one unwritable item fails only its own caller.
 */
export function groupCommit<T>(write: (items: T[]) => Promise<void>, maxItems = 1_000): (items: T[]) => Promise<void> {
  type Waiter = { items: T[]; resolve: () => void; reject: (e: unknown) => void };
  let waiting: Waiter[] = [];
  let writing = false;

  function takeBatch(): Waiter[] {
    let n = 0;
    let i = 0;
    while (i < waiting.length && (i === 0 || n + waiting[i].items.length <= maxItems)) n += waiting[i++].items.length;
    const batch = waiting.slice(0, i);
    waiting = waiting.slice(i);
    return batch;
  }

  async function drain(): Promise<void> {
    writing = true;
    while (waiting.length > 0) {
      const batch = takeBatch();
      try {
        await write(batch.length === 1 ? batch[0].items : batch.flatMap((w) => w.items));
        for (const w of batch) w.resolve();
      } catch (e) {
        if (batch.length === 1) batch[0].reject(e);
        else await Promise.all(batch.map((w) => write(w.items).then(w.resolve, w.reject)));
      }
    }
    writing = false;
  }

  return (items) =>
    new Promise<void>((resolve, reject) => {
      if (items.length === 0) return resolve();
      waiting.push({ items, resolve, reject });
      if (!writing) void drain();
    });
}
