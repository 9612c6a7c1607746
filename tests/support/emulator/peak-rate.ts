/** The most requests for one app (or for any app) that arrived in any sliding one-second window. */
export function peakPerSecond(
  requests: ReadonlyArray<{ at: number; sdkAppId: number | null }>,
  sdkAppId?: number,
): number {
  const times = requests
    .filter((r) => r.sdkAppId !== null && (sdkAppId === undefined || r.sdkAppId === sdkAppId))
    .map((r) => r.at)
    .sort((a, b) => a - b);
  let peak = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[end] as number) - (times[start] as number) >= 1000) start++;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}
