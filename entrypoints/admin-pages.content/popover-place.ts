import type { Box } from './placement';

/** Space kept between the popover and the window's edges, and between it and its button. */
export const EDGE = 8;
export const GAP = 6;
/** Below this much room on either side, the popover may lie over its row (a tiny window). */
const MIN_HEIGHT = 160;

/** Where the popover goes: fixed-position pixels, the height it may take, and its arrow. */
export interface PopoverPlace {
  left: number;
  top: number;
  /** The popover's height limit: past it, only its middle scrolls. */
  maxHeight: number;
  /** Below or above its button; the arrow points at the button from that side. */
  side: 'below' | 'above';
  /** The arrow's offset from the popover's left edge: over the button's centre. */
  arrowLeft: number;
}

/**
 * Places the popover next to its button, inside the window: below when its whole height fits
 * there, else above when it fits there, else on the roomier side with its height limited to
 * that room (only its middle scrolls); shifted sideways to stay on screen, its arrow on the
 * button. It never covers the button's row unless the window is too small to avoid it.
 */
export function placePopover(
  anchor: Box,
  size: { width: number; height: number },
  viewport: { width: number; height: number },
): PopoverPlace {
  const below = viewport.height - anchor.bottom - GAP - EDGE;
  const above = anchor.top - GAP - EDGE;
  const side =
    size.height <= below ? 'below' : size.height <= above || above > below ? 'above' : 'below';
  const room = side === 'below' ? below : above;
  let maxHeight = Math.min(size.height, room);
  let top = side === 'below' ? anchor.bottom + GAP : anchor.top - GAP - maxHeight;
  if (room < MIN_HEIGHT) {
    // No room on either side (or the button is off screen): as much of the window as needed.
    maxHeight = Math.min(size.height, viewport.height - 2 * EDGE);
    top = side === 'below' ? anchor.bottom + GAP : anchor.top - GAP - maxHeight;
  }
  top = clamp(top, EDGE, viewport.height - EDGE - maxHeight);
  maxHeight = Math.min(maxHeight, viewport.height - EDGE - top);
  const left = clamp(anchor.left, EDGE, viewport.width - EDGE - size.width);
  const centre = (anchor.left + anchor.right) / 2;
  return {
    left,
    top,
    maxHeight,
    side,
    arrowLeft: clamp(centre - left, 14, size.width - 14),
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(value, Math.max(min, max)));
}
