/**
 * A loop started by kicks: a kick while it runs makes it run once more when it is done, so the
 * work a kick was for is never left waiting for the next event (a kick that came just as the
 * loop was finding nothing to do). A failure is handed to `onError`; `onStop` runs when it stops.
 */
export interface RerunLoop {
  kick(): void;
  /** The run under way, or null. */
  running(): Promise<void> | null;
}

export function createRerunLoop(
  work: () => Promise<void>,
  hooks: { onError: (error: unknown) => void; onStop?: () => void },
): RerunLoop {
  let current: Promise<void> | null = null;
  let again = false;
  return {
    kick() {
      if (current) {
        again = true;
        return;
      }
      current = (async () => {
        do {
          again = false;
          await work();
        } while (again);
      })()
        .catch(hooks.onError)
        .finally(() => {
          current = null;
          hooks.onStop?.();
        });
    },
    running: () => current,
  };
}
