/** An abort signal that fires after `ms`, and whether it did (a timeout rather than another abort). */
export function deadline(ms: number): { signal: AbortSignal; hasPassed(): boolean; clear(): void } {
  const controller = new AbortController();
  let passed = false;
  const timer = setTimeout(() => {
    passed = true;
    controller.abort();
  }, ms);
  return { signal: controller.signal, hasPassed: () => passed, clear: () => clearTimeout(timer) };
}
