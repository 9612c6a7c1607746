import { describe, expect, it } from 'vitest';
import { createRerunLoop } from '../../../utils/rerun-loop';

describe('createRerunLoop', () => {
  it('runs once per kick while idle, once more for any kicks while running, never twice at once', async () => {
    let runs = 0;
    let concurrent = 0;
    let release: () => void = () => {};
    const stops: number[] = [];
    const loop = createRerunLoop(
      async () => {
        runs++;
        concurrent++;
        expect(concurrent).toBe(1);
        if (runs === 1) await new Promise<void>((resolve) => (release = resolve));
        concurrent--;
      },
      { onError: () => {}, onStop: () => stops.push(runs) },
    );
    loop.kick();
    // Three kicks while the first run waits: one more run, not three.
    loop.kick();
    loop.kick();
    loop.kick();
    release();
    for (let run = loop.running(); run; run = loop.running()) await run;
    expect(runs).toBe(2);
    expect(stops).toEqual([2]);
    loop.kick();
    await loop.running();
    expect(runs).toBe(3);
  });

  it('hands a failure to onError and can be kicked again', async () => {
    const errors: unknown[] = [];
    let fail = true;
    let runs = 0;
    const loop = createRerunLoop(
      async () => {
        runs++;
        if (fail) throw new Error('boom');
      },
      { onError: (e) => errors.push(e) },
    );
    loop.kick();
    await loop.running();
    expect(errors).toHaveLength(1);
    fail = false;
    loop.kick();
    await loop.running();
    expect(runs).toBe(2);
    expect(loop.running()).toBeNull();
  });
});
