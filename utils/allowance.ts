/**
 * A per-key allowance: at most `limit` units in any `windowMs`, refused (not queued) beyond.
 * Pages get one per tab, so a busy or hostile page cannot drain the app's API rate.
 */
export function createAllowance(limit: number, windowMs: number, now: () => number = Date.now) {
  const used = new Map<string, number[]>();
  return {
    /** Takes `units` if they fit, and says whether they did. */
    take(key: string, units = 1): boolean {
      const t = now();
      const times = (used.get(key) ?? []).filter((u) => u > t - windowMs);
      if (times.length + units > limit) {
        used.set(key, times);
        return false;
      }
      for (let i = 0; i < units; i++) times.push(t);
      used.set(key, times);
      return true;
    },
  };
}
