import { t } from '../../utils/i18n';
import type { ButtonSizes } from './placement';

/**
 * What a button shows about its user: unknown (locked, loading, failed), not muted, or muted;
 * by icon, word and accessible name together, never by colour alone and never by width.
 */
export type ButtonState = 'unknown' | 'free' | 'muted';

export interface LayerButton {
  element: HTMLButtonElement;
  userId: string;
}

const STYLE = `
:host { all: initial; }
.layer { position: absolute; top: 0; left: 0; width: 0; height: 0; overflow: visible; pointer-events: none; }
button {
  all: initial; box-sizing: border-box; position: absolute; top: 0; left: 0; pointer-events: auto;
  display: inline-flex; align-items: center; justify-content: center; gap: 3px; height: 18px;
  width: var(--full-width, 64px); padding: 0 5px; overflow: hidden;
  font: 600 11px/16px system-ui, -apple-system, 'Segoe UI', sans-serif; white-space: nowrap;
  color: #1b1f24; background: #ffffff; border: 1px solid #9aa4b2; border-radius: 9px; cursor: pointer;
  box-shadow: 0 1px 2px rgba(0,0,0,.15);
}
button:hover { border-color: #1f5fd6; }
button:focus-visible { outline: 2px solid #1f5fd6; outline-offset: 1px; }
button[data-state='muted'] { background: #b42318; border-color: #b42318; color: #ffffff; }
button[data-state='unknown'] { border-style: dashed; color: #57606a; }
button[hidden] { display: none; }
button.compact { width: 18px; padding: 0; }
button.compact .label { display: none; }
.measure button { width: auto; }
.hover-only button:not(.show):not(:focus-visible) { opacity: 0; }
button[data-place='overlay']:not(.show):not(:focus) { opacity: 0; }
.icon { width: 11px; height: 11px; flex: none; }
@media (prefers-color-scheme: dark) {
  button { color: #e8ebef; background: #1e2229; border-color: #5b6470; }
  button[data-state='muted'] { background: #c0392b; border-color: #c0392b; color: #ffffff; }
  button[data-state='unknown'] { color: #aab2bd; }
}
`;

/**
 * One layer over the page holding every page button, kept out of the page's layout: inserting
 * anything into the rows of a big table would make the browser lay the whole table out again.
 * The layer sits in a closed shadow root, so page scripts and styles cannot reach the buttons;
 * all buttons share one stylesheet.
 */
export class ButtonLayer {
  readonly host: HTMLElement;
  private readonly root: ShadowRoot;
  private readonly layer: HTMLDivElement;
  private readonly free: HTMLButtonElement[] = [];

  constructor(
    onPress: (button: HTMLButtonElement, event: MouseEvent) => void,
    /** The pointer came onto a button (page listeners only see the layer's host). */
    onPointerOver: (button: HTMLButtonElement) => void,
    /** A key pressed on a button (moving between buttons, leaving the layer). */
    onKey: (button: HTMLButtonElement, event: KeyboardEvent) => void,
    /** Closed on pages; open only in the test build's harness, where axe must reach in. */
    shadowMode: ShadowRootMode = 'closed',
  ) {
    this.host = document.createElement('mute-console-buttons');
    this.host.style.cssText = 'position:absolute;top:0;left:0;width:0;height:0;z-index:2147483646;';
    this.root = this.host.attachShadow({ mode: shadowMode });
    adoptStyle(this.root, STYLE);
    this.layer = document.createElement('div');
    this.layer.className = 'layer';
    this.root.append(this.layer);
    this.root.addEventListener('click', (event) => {
      const button = (event.target as Element | null)?.closest('button');
      if (button) onPress(button, event as MouseEvent);
    });
    this.root.addEventListener('pointerover', (event) => {
      const button = (event.target as Element | null)?.closest('button');
      if (button) onPointerOver(button);
    });
    this.root.addEventListener('keydown', (event) => {
      const button = (event.target as Element | null)?.closest('button');
      if (button) onKey(button, event as KeyboardEvent);
    });
    document.documentElement.append(this.host);
  }

  private measured: ButtonSizes | null = null;

  /**
   * Button sizes, the full width fitting the longest word of any state in this language.
   * Measured when first placed (in a frame, where the page is laid out anyway): measuring at
   * start would force a layout of a page that is still parsing.
   */
  get sizes(): ButtonSizes {
    this.measured ??= this.measure();
    return this.measured;
  }

  private measure(): ButtonSizes {
    this.layer.classList.add('measure');
    const probes = (['unknown', 'free', 'muted'] as const).map((state) => {
      const probe = document.createElement('button');
      this.render(probe, 'x', state);
      this.layer.append(probe);
      return probe;
    });
    const full = Math.ceil(Math.max(...probes.map((probe) => probe.offsetWidth)));
    for (const probe of probes) probe.remove();
    this.layer.classList.remove('measure');
    this.layer.style.setProperty('--full-width', `${full}px`);
    return { full, compact: 18, height: 18, gap: 4 };
  }

  setHoverOnly(hoverOnly: boolean): void {
    this.layer.classList.toggle('hover-only', hoverOnly);
  }

  /** A button for a user, reused from the pool when possible. */
  take(userId: string, state: ButtonState): HTMLButtonElement {
    const button = this.free.pop() ?? document.createElement('button');
    button.type = 'button';
    button.hidden = false;
    this.render(button, userId, state);
    if (!button.isConnected) this.layer.append(button);
    return button;
  }

  /** Puts the shown buttons in this order (moving only those out of place). */
  order(buttons: HTMLButtonElement[]): void {
    let previous: Element | null = null;
    for (const button of buttons) {
      const expected: Element | null = previous
        ? previous.nextElementSibling
        : this.layer.firstElementChild;
      if (expected !== button) {
        if (previous) previous.after(button);
        else this.layer.prepend(button);
      }
      previous = button;
    }
  }

  /** Hides a button and keeps it for reuse. */
  release(button: HTMLButtonElement): void {
    button.hidden = true;
    button.style.transform = '';
    button.style.visibility = '';
    delete button.dataset.place;
    button.classList.remove('show');
    this.free.push(button);
  }

  render(button: HTMLButtonElement, userId: string, state: ButtonState): void {
    if (button.dataset.user === userId && button.dataset.state === state) return;
    button.dataset.user = userId;
    button.dataset.state = state;
    const name =
      state === 'muted'
        ? t('page_buttonNameMuted', userId)
        : state === 'unknown'
          ? t('page_buttonNameUnknown', userId)
          : t('page_buttonLabel', userId);
    button.setAttribute('aria-label', name);
    button.title = name;
    // Icon, word and name all say it: never colour alone.
    button.textContent = '';
    const label = document.createElement('span');
    label.className = 'label';
    label.textContent = state === 'muted' ? t('page_buttonMuted') : t('page_buttonMute');
    button.append(speakerIcon(state), label);
  }

  /** The buttons in the order they are drawn and tabbed through (the page's order). */
  buttons(): HTMLButtonElement[] {
    return Array.from(this.layer.children) as HTMLButtonElement[];
  }

  /** Viewport position of the layer's origin, to turn element rects into button offsets. */
  origin(): DOMRect {
    return this.host.getBoundingClientRect();
  }

  remove(): void {
    this.host.remove();
  }
}

const SVG = 'http://www.w3.org/2000/svg';

/** Beside the speaker: sound waves, a cross when muted, a question mark when not known. */
const MARKS: Record<ButtonState, string> = {
  free: 'M11 6q2 2 0 4M12.5 4q4 4 0 8',
  muted: 'M11 5l4 6M15 5l-4 6',
  unknown: 'M10.5 6a2 2 0 1 1 2.5 1.9V9.5M13 11.5v1.5',
};

/** A speaker with the state's mark. Built from DOM nodes: no markup strings. */
function speakerIcon(state: ButtonState): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('class', 'icon');
  svg.setAttribute('aria-hidden', 'true');
  const body = document.createElementNS(SVG, 'path');
  body.setAttribute('d', 'M2 6h3l4-3v10l-4-3H2z');
  body.setAttribute('fill', 'currentColor');
  const mark = document.createElementNS(SVG, 'path');
  mark.setAttribute('d', MARKS[state]);
  mark.setAttribute('stroke', 'currentColor');
  mark.setAttribute('stroke-width', '1.6');
  mark.setAttribute('fill', 'none');
  svg.append(body, mark);
  return svg;
}

/** One constructed stylesheet where the browser allows it in a content script, else a style tag. */
function adoptStyle(root: ShadowRoot, css: string): void {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } catch {
    const style = document.createElement('style');
    style.textContent = css;
    root.append(style);
  }
}
