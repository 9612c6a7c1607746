import { describe, expect, it } from 'vitest';
import { choosePlacement } from '../../../../entrypoints/admin-pages.content/placement';

const sizes = { full: 60, compact: 18, height: 18, gap: 4 };
/** A 200 px wide, 40 px tall cell at (100, 100), fully visible, text not cut off. */
const cell = { left: 100, top: 100, right: 300, bottom: 140, textRight: 300 };
const text = (left: number, right: number) => ({ left, right, top: 111, bottom: 129 });

describe('where a page button goes', () => {
  it('right after the text, at full width, when the cell has room', () => {
    expect(choosePlacement(text(116, 180), cell, sizes)).toEqual({
      x: 184,
      y: 111,
      size: 'full',
      mode: 'after',
    });
  });

  it('after the text as an icon when only that fits, never past the cell', () => {
    const place = choosePlacement(text(116, 260), cell, sizes);
    expect(place).toMatchObject({ size: 'compact', mode: 'after', x: 264 });
    expect((place?.x ?? 0) + sizes.compact).toBeLessThanOrEqual(cell.right);
  });

  it('in the start padding when the text fills the cell to its end', () => {
    expect(choosePlacement(text(124, 299), cell, sizes)).toEqual({
      x: 102,
      y: 111,
      size: 'compact',
      mode: 'before',
    });
  });

  it('over the end of a cut-off ID, shown on hover, when there is no padding', () => {
    const ellipsis = { ...cell, textRight: 290 };
    expect(choosePlacement(text(104, 420), ellipsis, sizes)).toEqual({
      x: 282,
      y: 111,
      size: 'compact',
      mode: 'overlay',
    });
  });

  it('nowhere when the row is cut by its scroll box, or the ID starts left of what shows', () => {
    expect(choosePlacement(text(116, 180), { ...cell, bottom: 125 }, sizes)).toBeNull();
    expect(choosePlacement(text(116, 180), { ...cell, top: 115 }, sizes)).toBeNull();
    expect(choosePlacement(text(80, 180), cell, sizes)).toBeNull();
  });
});
