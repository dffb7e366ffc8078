/** Work on real I/O (node reads Blobs on later macrotasks) that flush() waits for. */
const backgroundWork = new Set<Promise<unknown>>();

/** Makes flush() wait for `work` too, so tests stay deterministic however long node takes to read a Blob. */
export function trackBackgroundWork<T>(work: Promise<T>): Promise<T> {
  backgroundWork.add(work);
  const forget = () => backgroundWork.delete(work);
  work.then(forget, forget);
  return work;
}

/** Lets every pending promise callback run (microtasks drain before the next macrotask), and tracked background work finish. */
export async function flush(): Promise<void> {
  do {
    await Promise.allSettled([...backgroundWork]);
    await new Promise<void>((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => setImmediate(resolve));
  } while (backgroundWork.size > 0);
}
