// Long computations written once as generators that yield between pieces of work: run to the end at once (drain),
// or with a pause whenever ~16 ms of work has gone by (drainPaced), so a page's thread keeps answering while a
// sweep encodes and carves 24 000 rows of 173 values.

/** A computation that yields between pieces of work and returns T. */
export type Steps<T> = Generator<void, T, void>;

/** Runs `steps` to the end without pausing. */
export function drain<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Runs `steps` to the end, awaiting `pause` (e.g. the next animation frame) after every ~`budgetMs` of work. */
export async function drainPaced<T>(steps: Steps<T>, pause: (() => Promise<void>) | undefined, budgetMs = 16): Promise<T> {
  if (!pause) return drain(steps);
  let start = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - start >= budgetMs) {
      await pause();
      start = performance.now();
    }
  }
}
