import { ButtonLayer, type ButtonState } from './button-layer';
import { isDocument, type IdFinder } from '../../utils/sites/find-ids';
import { ClipFinder, choosePlacement, contentBox, isCovered, type Placement } from './placement';
import { createVisibilityObserver, isReallyVisible } from './visibility';

/** One user ID on the page. */
export interface Entry {
  element: Element;
  userId: string;
  button: HTMLButtonElement | null;
  /** IntersectionObserver v2's verdict on the button: null until it has one. */
  visible: boolean | null;
  /** Since when this ID and its button have been on screen (performance.now()). */
  since: number;
}

export interface PageButtonsOptions {
  finder: IdFinder;
  hoverOnly: boolean;
  stateOf: (userId: string) => ButtonState;
  /** Asks for the states of users whose buttons just came near the screen. */
  wantStates: (userIds: string[]) => void;
  /** A trusted click on a visible button whose element still shows its ID. */
  onOpen: (entry: Entry, button: HTMLButtonElement) => void;
  /** An entry now shows another ID (`userId`), or none (null: gone from the page or invalid). */
  onChange?: (entry: Entry, userId: string | null) => void;
}

/** Buttons appear for IDs within this distance of the viewport. */
const NEAR_MARGIN = '300px 0px';
/** How long one slice of a big scan may run before yielding to the page. */
const SLICE_MS = 4;
/** How far up from a changed node an entry's element is looked for (text inside wrappers). */
const ENTRY_DEPTH = 8;
/**
 * A button acts only once its ID has been on screen this long: quicker than anyone reads, so
 * a page that swaps the ID as the pointer comes down (or just before) gets a refusal.
 */
const READ_MS = 400;
/** How soon buttons hidden under something of the page look again whether it went away. */
const COVER_RECHECK_MS = 300;
/** How soon shown buttons follow rows the page moved without an event we observe. */
const LAYOUT_RECHECK_MS = 500;
/** Rows found first on a new page that are placed without waiting for the observer. */
const FIRST_SCREEN_ROWS = 200;
/** Rows from where the operator scrolled that jump a big scan's queue. */
const PRIORITY_ROWS = 150;

/**
 * Puts a mute button next to every user ID on or near the screen, and keeps it there: rows
 * added, re-rendered, virtualised or removed, window and inner scrolling, resizing. Each ID has
 * at most one button. Work follows what changed (new subtrees, the visible rows), never the
 * whole page, and big scans run in small slices between the page's own frames.
 */
export class PageButtons {
  private readonly entries = new Map<Element, Entry>();
  private readonly byButton = new Map<HTMLButtonElement, Entry>();
  private readonly layer: ButtonLayer;
  private readonly near: IntersectionObserver;
  private readonly visibility: IntersectionObserver | null;
  private readonly mutations: MutationObserver;
  private readonly range = document.createRange();
  private readonly clips = new ClipFinder();
  private frame = 0;
  /** Buttons came or went: put them back in page order so Tab follows the page. */
  private orderDirty = false;
  /** Rows and matches of a whole-document scan, looked at a slice at a time. */
  private scanQueue: ParentNode[] = [];
  /** Subtrees the page just added: scanned before the rest, and given buttons eagerly. */
  private addedQueue: ParentNode[] = [];
  /** Entries to read again after the ID column may have moved (a header changed). */
  private verifyQueue: Entry[] = [];
  /** Entries that just appeared: placed in the next frame, without waiting for the observer. */
  private fresh: Entry[] = [];
  private scanHead = 0;
  private scanning = false;
  /** The page scrolled since the last frame: a running scan looks where it went first. */
  private scrolled = false;
  private recheck: ReturnType<typeof setTimeout> | null = null;
  /** Some button has been placed since start: the first screen is done. */
  private firstPlaced = false;
  private hovered: Entry | null = null;
  /** Where the keyboard came from into the buttons: Esc goes back there. */
  private keyboardOrigin: HTMLElement | null = null;
  private readonly listeners: Array<[EventTarget, string, EventListener, AddEventListenerOptions]> =
    [];

  constructor(private readonly options: PageButtonsOptions) {
    this.layer = new ButtonLayer(
      (button, event) => this.press(button, event),
      (button) => this.reveal(this.byButton.get(button)),
      (button, event) => this.onButtonKey(button, event),
    );
    this.layer.setHoverOnly(options.hoverOnly);
    this.near = new IntersectionObserver((records) => this.onNear(records), {
      rootMargin: NEAR_MARGIN,
    });
    this.visibility = createVisibilityObserver((records) => {
      for (const record of records) {
        const entry = this.byButton.get(record.target as HTMLButtonElement);
        if (entry)
          entry.visible =
            (record as IntersectionObserverEntry & { isVisible?: boolean }).isVisible ?? null;
      }
    });
    this.mutations = new MutationObserver((records) => this.onMutations(records));
  }

  start(): void {
    const attributes = this.options.finder.attributes;
    this.mutations.observe(document.body, {
      childList: true,
      subtree: true,
      characterData: true,
      ...(attributes.length > 0 ? { attributes: true, attributeFilter: [...attributes] } : {}),
    });
    const schedule = () => this.schedulePosition();
    const scrolled = () => {
      this.scrolled = true;
      this.schedulePosition();
    };
    this.listen(window, 'scroll', scrolled, { capture: true, passive: true });
    this.listen(window, 'resize', schedule, { passive: true });
    // Hover shows hover-only buttons, and buttons that sit over the end of a long ID.
    this.listen(document, 'pointerover', (e) => this.onHover(e), { passive: true });
    this.listen(document, 'keydown', (e) => this.onPageKey(e as KeyboardEvent), { capture: true });
    this.enqueueScan(document);
  }

  stop(): void {
    this.mutations.disconnect();
    this.near.disconnect();
    this.visibility?.disconnect();
    for (const [target, type, listener, options] of this.listeners)
      target.removeEventListener(type, listener, options);
    cancelAnimationFrame(this.frame);
    if (this.recheck !== null) clearTimeout(this.recheck);
    this.scanQueue = [];
    this.addedQueue = [];
    this.verifyQueue = [];
    this.scanHead = 0;
    this.entries.clear();
    this.byButton.clear();
    this.layer.remove();
  }

  /** Redraws buttons whose user's state changed. */
  refreshStates(userIds: Iterable<string>): void {
    const changed = new Set(userIds);
    for (const entry of this.byButton.values()) {
      if (changed.has(entry.userId) && entry.button) {
        this.layer.render(entry.button, entry.userId, this.options.stateOf(entry.userId));
      }
    }
    this.schedulePosition();
  }

  /** The IDs that have a button right now (on or near the screen). */
  shownIds(): string[] {
    return [...new Set([...this.byButton.values()].map((entry) => entry.userId))];
  }

  /** Whether a user's ID has a button right now (on or near the screen). */
  isShown(userId: string): boolean {
    for (const entry of this.byButton.values()) if (entry.userId === userId) return true;
    return false;
  }

  private listen(
    target: EventTarget,
    type: string,
    listener: EventListener,
    options: AddEventListenerOptions,
  ): void {
    target.addEventListener(type, listener, options);
    this.listeners.push([target, type, listener, options]);
  }

  private enqueueScan(root: ParentNode, added = false): void {
    if (isDocument(root))
      for (const unit of this.options.finder.units(root)) this.scanQueue.push(unit);
    else if (added) this.addedQueue.push(root);
    else this.scanQueue.push(root);
    this.startScanning();
  }

  /** The ID column may have moved: every entry is read again, then the page is scanned. */
  private rescanAll(): void {
    this.verifyQueue = [...this.entries.values()];
    this.scanQueue = [];
    this.scanHead = 0;
    this.enqueueScan(document);
  }

  private startScanning(): void {
    if (!this.scanning) {
      this.scanning = true;
      setTimeout(() => this.scanSlice(), 0);
    }
  }

  /**
   * Finds IDs a few milliseconds at a time. What the page just added goes first: rows appended
   * in view get their buttons even while a big page's first scan is still under way.
   */
  private scanSlice(): void {
    const started = performance.now();
    while (performance.now() - started < SLICE_MS) {
      const stale = this.verifyQueue.pop();
      if (stale) {
        if (this.isLive(stale)) this.verify(stale);
        continue;
      }
      const added = this.addedQueue.shift();
      const root = added ?? this.scanQueue[this.scanHead++];
      if (!root) break;
      for (const { element, userId } of this.options.finder.find(root))
        this.add(element, userId, added !== undefined);
    }
    if (this.fresh.length > 0) this.schedulePosition();
    if (
      this.verifyQueue.length > 0 ||
      this.addedQueue.length > 0 ||
      this.scanHead < this.scanQueue.length
    ) {
      setTimeout(() => this.scanSlice(), 0);
    } else {
      this.scanQueue = [];
      this.scanHead = 0;
      this.scanning = false;
    }
  }

  private add(element: Element, userId: string, added = false): void {
    const existing = this.entries.get(element);
    if (existing) {
      this.setId(existing, userId);
      return;
    }
    const entry: Entry = { element, userId, button: null, visible: null, since: performance.now() };
    this.entries.set(element, entry);
    this.near.observe(element);
    // The first screen of a page is placed as soon as it is found, like rows added later: the
    // observer's first report would come a frame later, a slow one on a big page.
    if (added || (!this.firstPlaced && this.fresh.length < FIRST_SCREEN_ROWS))
      this.fresh.push(entry);
  }

  /** Whether an entry is still the one its element has (not dropped, not replaced). */
  private isLive(entry: Entry): boolean {
    return this.entries.get(entry.element) === entry;
  }

  private drop(element: Element): void {
    const entry = this.entries.get(element);
    if (!entry) return;
    this.near.unobserve(element);
    this.hideButton(entry);
    this.entries.delete(element);
    this.options.onChange?.(entry, null);
  }

  /** The element now shows another ID: its button follows at once (label, state). */
  private setId(entry: Entry, userId: string): void {
    if (entry.userId === userId) return;
    entry.userId = userId;
    entry.since = performance.now();
    if (entry.button) {
      this.layer.render(entry.button, userId, this.options.stateOf(userId));
      this.options.wantStates([userId]);
    }
    this.options.onChange?.(entry, userId);
  }

  /** Reads an entry's element again: same ID, another ID, or none (the button goes). */
  private verify(entry: Entry): void {
    const userId = this.options.finder.read(entry.element);
    if (userId === null) this.drop(entry.element);
    else this.setId(entry, userId);
  }

  /** The entry whose element holds this node, if any. */
  private entryAround(node: Element): Entry | undefined {
    let element: Element | null = node;
    for (let depth = 0; element && depth < ENTRY_DEPTH; depth++, element = element.parentElement) {
      const entry = this.entries.get(element);
      if (entry) return entry;
    }
    return undefined;
  }

  private onNear(records: IntersectionObserverEntry[]): void {
    const wanted: string[] = [];
    for (const record of records) {
      const entry = this.entries.get(record.target);
      if (!entry) continue;
      if (record.isIntersecting && !entry.button) {
        entry.button = this.layer.take(entry.userId, this.options.stateOf(entry.userId));
        entry.since = performance.now();
        this.byButton.set(entry.button, entry);
        this.visibility?.observe(entry.button);
        wanted.push(entry.userId);
      } else if (!record.isIntersecting && entry.button) {
        this.hideButton(entry);
      }
    }
    if (wanted.length > 0) this.options.wantStates(wanted);
    this.orderDirty = true;
    this.schedulePosition();
  }

  private hideButton(entry: Entry): void {
    if (!entry.button) return;
    this.visibility?.unobserve(entry.button);
    this.byButton.delete(entry.button);
    this.layer.release(entry.button);
    entry.button = null;
    entry.visible = null;
  }

  private onMutations(records: MutationRecord[]): void {
    let headersChanged = false;
    for (const record of records) {
      const target =
        record.target.nodeType === 1 ? (record.target as Element) : record.target.parentElement;
      if (!target || this.layer.host.contains(target)) continue;
      if (record.type !== 'childList' || hasText(record)) {
        // Text written in place (a recycled row), text nodes replaced, an ID attribute set.
        if (this.options.finder.rescanHeaders(target)) {
          headersChanged = true;
          continue;
        }
        const entry = this.entryAround(target);
        if (entry) this.verify(entry);
        else this.enqueueScan(target.closest('tr, [role="row"]') ?? target, true);
        if (record.type !== 'childList') continue;
      } else {
        // Elements replaced inside an ID's element: it may now show another ID, or none.
        const entry = this.entryAround(target);
        if (entry) this.verify(entry);
      }
      for (const node of record.removedNodes) {
        if (!(node instanceof Element) || node === this.layer.host) continue;
        this.drop(node);
        for (const inner of node.getElementsByTagName('*')) this.drop(inner);
      }
      for (const node of record.addedNodes) {
        if (
          !(node instanceof Element) ||
          node === this.layer.host ||
          node.tagName.startsWith('MUTE-CONSOLE')
        )
          continue;
        if (this.options.finder.rescanHeaders(node)) headersChanged = true;
        else this.enqueueScan(node, true);
      }
    }
    if (headersChanged) this.rescanAll();
    this.schedulePosition();
  }

  private schedulePosition(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.position();
    });
  }

  /** Reads every shown ID's text box, then moves its button next to it: one layout, no thrash. */
  private position(): void {
    if (this.scrolled) {
      this.scrolled = false;
      if (this.scanHead < this.scanQueue.length) this.prioritiseInView();
    }
    this.placeFresh();
    const shown = [...this.byButton.values()];
    if (this.orderDirty) {
      this.orderDirty = false;
      shown.sort((a, b) =>
        a.element.compareDocumentPosition(b.element) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1,
      );
      this.layer.order(shown.map((entry) => entry.button as HTMLButtonElement));
    }
    // Read everything first (one layout), then move the buttons.
    const origin = this.layer.origin();
    const rects = new Map<Element, DOMRect>();
    // A page that sets `zoom` on its root zooms our layer too: measure in what the viewport
    // shows, move in the layer's own (zoomed) pixels.
    const zoom = (this.layer.host as { currentCSSZoom?: number }).currentCSSZoom || 1;
    const base = this.layer.sizes;
    const sizes = {
      full: base.full * zoom,
      compact: base.compact * zoom,
      height: base.height * zoom,
      gap: base.gap * zoom,
    };
    let anyCovered = false;
    const places = shown.map((entry): Placement | null => {
      const content = contentBox(entry.element, this.range);
      const visible = content && this.clips.visibleBox(entry.element, content.holder, rects);
      const place = content && visible && choosePlacement(content.box, visible, sizes);
      if (!content || !place) return null;
      // A sticky header, a fixed column, a floating header or a toolbar over the ID: the
      // button stays hidden rather than float over it. One hit test at the start of the ID
      // (two per button, or elementsFromPoint, cost 5 times as much on a big table).
      const covered = isCovered(
        entry.element,
        content.box.left + 1,
        (content.box.top + content.box.bottom) / 2,
        this.layer.host,
      );
      if (covered) anyCovered = true;
      return covered ? null : place;
    });
    // The page can move rows without a scroll or a change we observe (restyled cells, a
    // transform, a menu or our popover closing over covered rows): look again shortly.
    if (shown.length > 0)
      this.recheck ??= setTimeout(
        () => {
          this.recheck = null;
          this.schedulePosition();
        },
        anyCovered ? COVER_RECHECK_MS : LAYOUT_RECHECK_MS,
      );
    let placed = 0;
    shown.forEach((entry, i) => {
      const place = places[i];
      const button = entry.button as HTMLButtonElement;
      if (!place) {
        button.style.visibility = 'hidden';
        return;
      }
      if (button.style.visibility === 'hidden' || !button.style.transform) placed++;
      button.style.visibility = '';
      button.classList.toggle('compact', place.size === 'compact');
      button.dataset.place = place.mode;
      button.style.transform = `translate(${(place.x - origin.left) / zoom}px, ${(place.y - origin.top) / zoom}px)`;
    });
    if (placed > 0) this.firstPlaced = true;
    // User Timing for the benchmarks: when new buttons reached the screen.
    if (placed > 0) performance.mark('mute-console:buttons-placed', { detail: placed });
  }

  /**
   * While a big scan is under way, the rows the operator scrolled to are scanned next: the
   * queue is in document order, which is top-to-bottom order, so a binary search on row
   * positions finds the first row near the screen.
   */
  private prioritiseInView(): void {
    const queue = this.scanQueue;
    let low = this.scanHead;
    let high = queue.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      const bottom = (queue[middle] as Element).getBoundingClientRect().bottom;
      if (bottom < -300) low = middle + 1;
      else high = middle;
    }
    const end = Math.min(queue.length, low + PRIORITY_ROWS);
    for (let i = low; i < end; i++) this.addedQueue.push(queue[i] as ParentNode);
    this.startScanning();
  }

  /**
   * Rows just added near the screen get their buttons in this frame rather than after the
   * observer's first report (a frame later, which on a big table is a slow one).
   */
  private placeFresh(): void {
    const fresh = this.fresh.splice(0, 200);
    const margin = 300;
    const tops = fresh.map((entry) => entry.element.getBoundingClientRect());
    const wanted: string[] = [];
    fresh.forEach((entry, i) => {
      const rect = tops[i] as DOMRect;
      const near =
        rect.bottom > -margin &&
        rect.top < innerHeight + margin &&
        (rect.width > 0 || rect.height > 0);
      // Only the element's current entry: one dropped while it waited here (its element showed
      // no valid ID for a moment, then another) must not get a button beside its successor's.
      if (!near || entry.button || !this.isLive(entry)) return;
      entry.button = this.layer.take(entry.userId, this.options.stateOf(entry.userId));
      entry.since = performance.now();
      this.byButton.set(entry.button, entry);
      this.visibility?.observe(entry.button);
      wanted.push(entry.userId);
    });
    if (wanted.length > 0) {
      this.orderDirty = true;
      this.options.wantStates(wanted);
    }
  }

  private onHover(event: Event): void {
    // Over our own layer the page sees only its host: the layer reports which button it is.
    if (event.target === this.layer.host) return;
    let node = event.target as Element | null;
    let entry: Entry | undefined;
    for (let depth = 0; node && depth < 8 && !entry; depth++, node = node.parentElement) {
      entry = this.entries.get(node) ?? this.rowEntry(node);
    }
    this.reveal(entry);
  }

  /**
   * Shows the button of the row under the pointer (hover-only buttons, and buttons over the end
   * of a long ID). A button that was transparent counts as new on screen: the next click is
   * judged afresh, and only once it has been readable for a moment.
   */
  private reveal(entry: Entry | undefined): void {
    if (entry === this.hovered) return;
    this.hovered?.button?.classList.remove('show');
    this.hovered = entry ?? null;
    const button = this.hovered?.button;
    if (!button || !this.hovered) return;
    button.classList.add('show');
    if (this.options.hoverOnly || button.dataset.place === 'overlay') {
      this.hovered.visible = null;
      this.hovered.since = performance.now();
    }
  }

  private rowEntry(node: Element): Entry | undefined {
    if (!node.matches('tr, [role="row"]')) return undefined;
    for (const child of node.children) {
      const entry = this.entries.get(child);
      if (entry) return entry;
    }
    return undefined;
  }

  /**
   * Alt+Shift+B from the page: to the button of the row the page's focus is in, else to the
   * first button on screen. Keyboard users reach a row's button without tabbing through every
   * link of the page (the buttons' layer comes after the page in Tab order).
   */
  private onPageKey(event: KeyboardEvent): void {
    if (!event.isTrusted || event.code !== 'KeyB' || !event.altKey || !event.shiftKey) return;
    if (event.ctrlKey || event.metaKey || event.composedPath().includes(this.layer.host)) return;
    const active = document.activeElement as HTMLElement | null;
    if (
      active?.isContentEditable ||
      active?.matches('input:not([type="checkbox"]):not([type="radio"]), textarea, select')
    )
      return;
    const row = active?.closest('tr, [role="row"]');
    const shown = this.layer
      .buttons()
      .map((button) => this.byButton.get(button))
      .filter(
        (entry): entry is Entry => !!entry?.button && entry.button.style.visibility !== 'hidden',
      );
    const target =
      (row && shown.find((entry) => row.contains(entry.element))) ??
      shown.find((entry) => {
        const rect = entry.element.getBoundingClientRect();
        return rect.top >= 0 && rect.bottom <= innerHeight;
      });
    if (!target?.button) return;
    event.preventDefault();
    event.stopPropagation();
    this.keyboardOrigin = active && active !== document.body ? active : null;
    this.focusEntry(target);
  }

  /** Arrows move between the buttons in page order; Esc goes back to where the keyboard was. */
  private onButtonKey(button: HTMLButtonElement, event: KeyboardEvent): void {
    if (!event.isTrusted) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      const origin = this.keyboardOrigin;
      this.keyboardOrigin = null;
      button.blur();
      if (origin?.isConnected) origin.focus();
      return;
    }
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const visible = this.layer
      .buttons()
      .filter((b) => !b.hidden && b.style.visibility !== 'hidden');
    const next = visible[visible.indexOf(button) + (event.key === 'ArrowDown' ? 1 : -1)];
    const entry = next && this.byButton.get(next);
    if (entry) this.focusEntry(entry);
  }

  private focusEntry(entry: Entry): void {
    this.reveal(entry);
    entry.button?.focus();
  }

  /**
   * Only a real click on a button the operator can see does anything, and only while its
   * element still shows, visibly, the ID the button was made for.
   */
  private press(button: HTMLButtonElement, event: MouseEvent): void {
    if (!event.isTrusted) return;
    const entry = this.byButton.get(button);
    if (!entry) return;
    if (!this.isLive(entry)) {
      refuse(button);
      return;
    }
    if (!this.stillShows(entry) || event.timeStamp - entry.since < READ_MS) {
      refuse(button);
      // Bring the button up to date with what its element holds now.
      this.verify(entry);
      return;
    }
    const visible = entry.visible ?? isReallyVisible(button, this.layer.host, event);
    if (!visible) {
      refuse(button);
      return;
    }
    this.options.onOpen(entry, button);
  }

  /** Whether an entry's element shows its ID right now, in text the page does not hide. */
  stillShows(entry: Entry): boolean {
    return (
      this.entries.get(entry.element) === entry &&
      this.options.finder.read(entry.element, { rendered: true }) === entry.userId
    );
  }
}

/**
 * Whether a childList change added or removed text (a text node replaced by `textContent`).
 * White space between added rows does not count: it changes no ID.
 */
function hasText(record: MutationRecord): boolean {
  const isText = (node: Node) => node.nodeType === 3 && /\S/.test(node.nodeValue ?? '');
  for (const node of record.addedNodes) if (isText(node)) return true;
  for (const node of record.removedNodes) if (isText(node)) return true;
  return false;
}

/** A short shake: the click was seen and refused. */
function refuse(button: HTMLButtonElement): void {
  button.animate?.(
    [
      { transform: button.style.transform },
      { transform: `${button.style.transform} translateX(2px)` },
    ],
    { duration: 120, iterations: 2 },
  );
}
