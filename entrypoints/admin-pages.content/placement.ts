/**
 * Where a page button goes so that it covers nothing of the page: measured from the ID's own
 * text (text nodes and icons, never the wrapper boxes around them), inside what is visible of
 * its cell (the cell, ellipsis wrappers and every scroll container clip it).
 */

export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * What is visible of a cell (viewport coordinates), and where its text is cut off: an
 * ellipsis wrapper inside the cell clips the text before the cell's own edge does.
 */
export interface VisibleBox extends Box {
  textRight: number;
}

/** A button's place: its top-left corner in viewport coordinates, and its size. */
export interface Placement {
  x: number;
  y: number;
  size: 'full' | 'compact';
  /**
   * after: right after the ID's text; before: in the cell's start padding; overlay: over the
   * end of the ID's text, so shown only while the row is hovered or the button has focus.
   */
  mode: 'after' | 'before' | 'overlay';
}

export interface ButtonSizes {
  full: number;
  compact: number;
  height: number;
  gap: number;
}

/**
 * Chooses a place for a button beside an ID: after the text when the visible cell has room
 * (the full button, else its icon only), else in the start padding, else over the text's end
 * (revealed on hover or focus). Null when the ID is not fully visible in its cell: a button
 * would then float over whatever covers or clips the row.
 */
export function choosePlacement(
  content: Box,
  visible: VisibleBox,
  sizes: ButtonSizes,
): Placement | null {
  const height = content.bottom - content.top;
  const y = Math.round(content.top + (height - sizes.height) / 2);
  if (
    content.right <= content.left ||
    y < visible.top ||
    y + sizes.height > visible.bottom ||
    content.left < visible.left - 0.5
  )
    return null;
  const after = Math.ceil(content.right + sizes.gap);
  const room = visible.right - after;
  if (content.right <= visible.textRight + 0.5) {
    if (room >= sizes.full) return { x: after, y, size: 'full', mode: 'after' };
    if (room >= sizes.compact) return { x: after, y, size: 'compact', mode: 'after' };
  }
  const before = content.left - visible.left;
  if (before >= sizes.compact + sizes.gap)
    return {
      x: Math.floor(content.left - sizes.gap - sizes.compact),
      y,
      size: 'compact',
      mode: 'before',
    };
  const x = Math.floor(visible.right - sizes.compact);
  return x >= visible.left ? { x, y, size: 'compact', mode: 'overlay' } : null;
}

/**
 * The box of what an element shows: its text nodes and icons, not its wrappers' boxes; with
 * the element that holds the text (an ellipsis wrapper clips it before the cell does).
 */
export function contentBox(element: Element, range: Range): { box: Box; holder: Element } | null {
  let box: Box | null = null;
  let holder: Element | null = null;
  const add = (rect: DOMRect) => {
    if (rect.width === 0 && rect.height === 0) return;
    box = box
      ? {
          left: Math.min(box.left, rect.left),
          top: Math.min(box.top, rect.top),
          right: Math.max(box.right, rect.right),
          bottom: Math.max(box.bottom, rect.bottom),
        }
      : { left: rect.left, top: rect.top, right: rect.right, bottom: rect.bottom };
  };
  const walker = element.ownerDocument.createTreeWalker(element, NodeFilter.SHOW_ALL);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.nodeType === 3) {
      if (!/\S/.test(node.nodeValue ?? '')) continue;
      range.selectNodeContents(node);
      add(range.getBoundingClientRect());
      holder ??= node.parentElement;
    } else if (node.nodeType === 1 && (node as Element).matches(ICON)) {
      add((node as Element).getBoundingClientRect());
    }
  }
  return box ? { box, holder: holder ?? element } : null;
}

/** Inline pictures that belong to an ID's content (Tea's copy icon): the button goes after them. */
const ICON = 'svg, img, i, [role="img"]';

/**
 * What is visible of an element: its box clipped by every ancestor that clips (overflow other
 * than visible) and by the viewport. Clipping ancestors are found once per ancestor and kept.
 */
export class ClipFinder {
  private readonly clips = new WeakMap<Element, Element[]>();

  /**
   * `element`'s box clipped by every clipping ancestor (itself included) and the viewport; and
   * how far right its text may show, clipped also by the wrappers between the text's `holder`
   * and `element`. Rects are shared between the calls of one frame.
   */
  visibleBox(element: Element, holder: Element, rects: Map<Element, DOMRect>): VisibleBox | null {
    const rectOf = (e: Element) => {
      let rect = rects.get(e);
      if (!rect) {
        rect = e.getBoundingClientRect();
        rects.set(e, rect);
      }
      return rect;
    };
    // Across, the element's own box bounds the button; up and down only what clips it does
    // (an inline ID's box is shorter than a button, a table row's is not).
    const own = rectOf(element);
    let box: Box = {
      left: Math.max(own.left, 0),
      top: 0,
      right: Math.min(own.right, window.innerWidth),
      bottom: window.innerHeight,
    };
    const outer = this.clipsAbove(element);
    for (const clip of outer) box = intersect(box, clipBox(clip, rectOf(clip)));
    let textRight = box.right;
    for (const clip of this.clipsAbove(holder)) {
      if (outer.includes(clip)) break;
      textRight = Math.min(textRight, clipBox(clip, rectOf(clip)).right);
    }
    return box.right > box.left && box.bottom > box.top ? { ...box, textRight } : null;
  }

  /** The ancestors of `element` (itself included) that clip their content. */
  private clipsAbove(element: Element): Element[] {
    const known = this.clips.get(element);
    if (known) return known;
    const parent = element.parentElement;
    const above = parent && parent !== document.documentElement ? this.clipsAbove(parent) : [];
    const style = getComputedStyle(element);
    const clips =
      style.overflowX !== 'visible' || style.overflowY !== 'visible' ? [element, ...above] : above;
    this.clips.set(element, clips);
    return clips;
  }
}

/** The part of an element its content shows through (inside its borders and scroll bars). */
function clipBox(clip: Element, rect: DOMRect): Box {
  const left = rect.left + clip.clientLeft;
  const top = rect.top + clip.clientTop;
  return { left, top, right: left + clip.clientWidth, bottom: top + clip.clientHeight };
}

function intersect(a: Box, b: Box): Box {
  return {
    left: Math.max(a.left, b.left),
    top: Math.max(a.top, b.top),
    right: Math.min(a.right, b.right),
    bottom: Math.min(a.bottom, b.bottom),
  };
}

/**
 * Whether something of the page lies over a point of an element: a sticky header, a fixed
 * column, a floating header, a toolbar (or our own popover).
 */
export function isCovered(element: Element, x: number, y: number, ownLayer: Element): boolean {
  const hit = document.elementFromPoint(x, y);
  // Our own buttons' layer is no cover (an icon over the end of a very short ID).
  return !hit || !(hit === ownLayer || element.contains(hit) || hit.contains(element));
}
