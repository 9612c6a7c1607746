import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EDGE, GAP, placePopover } from '../../../../entrypoints/admin-pages.content/popover-place';

const LAPTOP = { width: 1366, height: 660 };
const SIZE = { width: 340, height: 330 };
const button = (left: number, top: number) => ({ left, top, right: left + 65, bottom: top + 18 });

describe('placePopover', () => {
  it('opens below its button when its whole height fits there', () => {
    const place = placePopover(button(59, 150), SIZE, LAPTOP);
    expect(place).toMatchObject({ side: 'below', top: 168 + GAP, left: 59, maxHeight: 330 });
  });

  it('flips above when only the room above holds it, its bottom edge next to the button', () => {
    const place = placePopover(button(75, 400), SIZE, LAPTOP);
    expect(place.side).toBe('above');
    expect(place.top + place.maxHeight).toBe(400 - GAP);
    expect(place.maxHeight).toBe(330);
  });

  it('takes the roomier side and limits its height when neither side holds it (no row covered)', () => {
    const tall = { width: 340, height: 420 };
    const place = placePopover(button(75, 346), tall, LAPTOP);
    expect(place).toMatchObject({ side: 'above', top: EDGE, maxHeight: 346 - GAP - EDGE });
    const low = placePopover(button(75, 250), tall, LAPTOP);
    expect(low).toMatchObject({ side: 'below', top: 268 + GAP, maxHeight: 660 - 268 - GAP - EDGE });
  });

  it('shifts left to stay on screen, its arrow still over the button', () => {
    const place = placePopover(button(1300, 100), SIZE, LAPTOP);
    expect(place.left).toBe(1366 - EDGE - 340);
    expect(place.left + place.arrowLeft).toBeCloseTo(1300 + 32.5, 0);
  });

  it('uses the whole window when no side has room (a tiny window)', () => {
    const place = placePopover(button(10, 100), SIZE, { width: 400, height: 260 });
    expect(place.top).toBeGreaterThanOrEqual(EDGE);
    expect(place.top + place.maxHeight).toBeLessThanOrEqual(260 - EDGE);
  });

  it('always lies inside the window and, where there is room, off its button', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 320, max: 2560 }),
        fc.integer({ min: 240, max: 1600 }),
        fc.double({ min: -0.2, max: 1.2, noNaN: true }),
        fc.double({ min: -0.2, max: 1.2, noNaN: true }),
        fc.integer({ min: 120, max: 700 }),
        (vw, vh, fx, fy, height) => {
          const anchor = button(fx * vw, fy * vh);
          const size = { width: Math.min(340, vw - 2 * EDGE), height };
          const place = placePopover(anchor, size, { width: vw, height: vh });
          expect(place.top).toBeGreaterThanOrEqual(EDGE);
          expect(place.top + place.maxHeight).toBeLessThanOrEqual(vh - EDGE + 1e-9);
          expect(place.left).toBeGreaterThanOrEqual(EDGE);
          expect(place.left + size.width).toBeLessThanOrEqual(vw - EDGE + 1e-9);
          expect(place.maxHeight).toBeLessThanOrEqual(height);
          const room = Math.max(vh - anchor.bottom, anchor.top) - GAP - EDGE;
          const onScreen = anchor.top >= 0 && anchor.bottom <= vh;
          if (onScreen && room >= 160) {
            const overlaps = place.top < anchor.bottom && place.top + place.maxHeight > anchor.top;
            expect(overlaps).toBe(false);
          }
        },
      ),
    );
  });
});
