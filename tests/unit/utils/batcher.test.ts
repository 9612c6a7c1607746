import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBatcher } from '../../../utils/batcher';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createBatcher', () => {
  it('writes what arrives within the delay together, in order', async () => {
    const writes: number[][] = [];
    const batcher = createBatcher<number>(async (items) => {
      writes.push(items);
    }, 20);
    for (let i = 0; i < 5; i++) batcher.add(i);
    await vi.advanceTimersByTimeAsync(19);
    expect(writes).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(writes).toEqual([[0, 1, 2, 3, 4]]);
    batcher.add(5);
    await batcher.flush();
    expect(writes).toEqual([[0, 1, 2, 3, 4], [5]]);
  });

  it('never overlaps writes, and a failing write does not stop the next', async () => {
    let running = 0;
    let overlapped = false;
    const written: number[] = [];
    const batcher = createBatcher<number>(async (items) => {
      running++;
      overlapped ||= running > 1;
      await new Promise((r) => setTimeout(r, 5));
      running--;
      if (items.includes(1)) throw new Error('disk full');
      written.push(...items);
    }, 1);
    batcher.add(1);
    void batcher.flush();
    batcher.add(2);
    const flushed = batcher.flush();
    await vi.advanceTimersByTimeAsync(20);
    await flushed;
    expect(overlapped).toBe(false);
    expect(written).toEqual([2]);
  });

  it('lists what is not written yet, including a write still running, and drops it once written', async () => {
    let release: () => void = () => {};
    const batcher = createBatcher<number>(
      () => new Promise<void>((resolve) => (release = resolve)),
      1000,
    );
    batcher.add(1);
    batcher.add(2);
    expect(batcher.pending()).toEqual([1, 2]);
    const written = batcher.flush();
    batcher.add(3);
    await Promise.resolve();
    expect(batcher.pending()).toEqual([1, 2, 3]);
    release();
    await written;
    expect(batcher.pending()).toEqual([3]);
  });
});
