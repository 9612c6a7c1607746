import { describe, expect, it } from 'vitest';
import { peakPerSecond } from '../../support/emulator/peak-rate';

const at = (times: number[], sdkAppId: number | null = 1) =>
  times.map((t) => ({ at: t, sdkAppId }));

describe('peakPerSecond', () => {
  it('counts the busiest sliding second, not calendar seconds', () => {
    // 3 in [900, 1899], though no calendar second holds more than 2.
    expect(peakPerSecond(at([100, 900, 1100, 1899, 2900]))).toBe(3);
  });

  it('treats requests exactly 1000 ms apart as different windows', () => {
    expect(peakPerSecond(at([0, 1000, 2000]))).toBe(1);
  });

  it('counts one app, or every app, and never requests with no app', () => {
    const log = [...at([0, 10], 1), ...at([20], 2), ...at([30, 40, 50], null)];
    expect(peakPerSecond(log, 1)).toBe(2);
    expect(peakPerSecond(log)).toBe(3);
    expect(peakPerSecond([])).toBe(0);
  });
});
