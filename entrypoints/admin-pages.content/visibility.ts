/**
 * The check used where IntersectionObserver v2 has no verdict (Firefox, or the first 100 ms):
 * the button must be what is on top at the click point, and neither it nor anything above it
 * may be transparent or hidden. A page that covers or fades our buttons gets nothing.
 */
export function isReallyVisible(
  button: HTMLElement,
  host: HTMLElement,
  event: MouseEvent,
): boolean {
  const rect = button.getBoundingClientRect();
  const inside = (x: number, y: number) =>
    x >= rect.left && x <= rect.right && y >= rect.top && y <= rect.bottom;
  // Keyboard activation reports (0, 0): judge the button's centre instead.
  const [x, y] = inside(event.clientX, event.clientY)
    ? [event.clientX, event.clientY]
    : [rect.left + rect.width / 2, rect.top + rect.height / 2];
  // A closed shadow root retargets hits on our buttons to the host.
  if (document.elementFromPoint(x, y) !== host) return false;
  for (
    let element: Element | null = button;
    element;
    element = element.parentElement ?? hostOf(element, button, host)
  ) {
    const style = getComputedStyle(element);
    if (style.visibility !== 'visible' || style.display === 'none' || Number(style.opacity) < 0.9)
      return false;
    if (/opacity\((0(\.\d+)?|[0-8]\d?%)\)/.test(style.filter)) return false;
  }
  return true;
}

/** Steps from the top of our shadow tree to its host, so the walk reaches the page's elements. */
function hostOf(element: Element, button: HTMLElement, host: HTMLElement): Element | null {
  return element.getRootNode() === button.getRootNode() ? host : null;
}

/** IntersectionObserver v2 (trackVisibility), where the browser has it. */
export function createVisibilityObserver(
  callback: IntersectionObserverCallback,
): IntersectionObserver | null {
  try {
    const observer = new IntersectionObserver(callback, {
      trackVisibility: true,
      delay: 100,
    } as IntersectionObserverInit);
    return 'trackVisibility' in observer &&
      (observer as { trackVisibility?: boolean }).trackVisibility
      ? observer
      : null;
  } catch {
    return null;
  }
}
