import { listText, numberText, t } from '../../utils/i18n';
import { sendRequest } from '../../utils/messages/client';
import { createIdFinder } from '../../utils/sites/find-ids';
import { proposeFinder } from '../../utils/sites/propose-finder';
import type { Finder } from '../../utils/sites/site';

const MAX_PREVIEW = 200;
const STYLE = `
:host { all: initial; }
.frame { position: fixed; inset: 0; pointer-events: none; z-index: 2147483647; font: 13px/1.4 system-ui, sans-serif; }
.box { position: fixed; border: 2px solid #1f5fd6; background: rgba(31,95,214,.12); pointer-events: none; border-radius: 2px; }
.match { position: fixed; outline: 2px dashed #b42318; pointer-events: none; }
.panel { position: fixed; top: 12px; right: 12px; width: 340px; pointer-events: auto; background: #fff; color: #1b1f24;
  border: 1px solid #d0d5dc; border-radius: 10px; box-shadow: 0 8px 28px rgba(0,0,0,.25); padding: 12px; }
.panel label { display: block; font-weight: 600; margin: 6px 0 2px; }
.panel input { box-sizing: border-box; width: 100%; font: 12px ui-monospace, monospace; padding: 4px 6px; border: 1px solid #d0d5dc; border-radius: 6px; }
.panel button { font: inherit; margin: 8px 6px 0 0; padding: 4px 10px; border-radius: 6px; border: 1px solid #d0d5dc; background: #fff; cursor: pointer; }
.panel button.primary { background: #1f5fd6; border-color: #1f5fd6; color: #fff; font-weight: 600; }
.count { margin: 8px 0 0; font-weight: 600; }
.sample { color: #5b6470; word-break: break-all; }
`;

/** Runs the picker until the operator saves or cancels; `done` is called either way. */
export function startPicker(done: () => void): void {
  const host = document.createElement('mute-console-picker');
  const root = host.attachShadow({ mode: 'closed' });
  const style = document.createElement('style');
  style.textContent = STYLE;
  const frame = document.createElement('div');
  frame.className = 'frame';
  const box = document.createElement('div');
  box.className = 'box';
  const panel = document.createElement('div');
  panel.className = 'panel';
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-label', t('picker_title'));
  frame.append(box, panel);
  root.append(style, frame);
  document.documentElement.append(host);

  let picking = true;
  let finder: Finder | null = null;

  const fields = {
    selector: input('picker-selector'),
    attribute: input('picker-attribute'),
    regex: input('picker-regex'),
  };
  const count = document.createElement('p');
  count.className = 'count';
  count.setAttribute('aria-live', 'polite');
  const sample = document.createElement('p');
  sample.className = 'sample';

  function input(id: string): HTMLInputElement {
    const field = document.createElement('input');
    field.id = id;
    field.spellcheck = false;
    field.addEventListener('input', () => preview(current()));
    return field;
  }

  function showIntro(): void {
    panel.replaceChildren(
      text('strong', t('picker_title')),
      text('p', t('picker_intro')),
      button(t('ui_cancel'), finish),
    );
  }

  function current(): Finder | null {
    if (finder?.kind === 'column') return finder;
    const selector = fields.selector.value.trim();
    if (!selector) return null;
    const attribute = fields.attribute.value.trim();
    const regex = fields.regex.value;
    return {
      kind: 'selector',
      selector,
      source: attribute ? 'attribute' : 'text',
      ...(attribute ? { attribute } : {}),
      ...(regex ? { regex } : {}),
    };
  }

  /** Counts and outlines what the finder would match, live. */
  function preview(candidate: Finder | null): void {
    frame.querySelectorAll('.match').forEach((m) => m.remove());
    if (!candidate) {
      count.textContent = t('picker_invalid');
      return;
    }
    let found;
    try {
      found = createIdFinder(candidate).find(document);
    } catch {
      count.textContent = t('picker_invalid');
      return;
    }
    count.textContent = t('picker_count', numberText(found.length));
    sample.textContent = listText(found.slice(0, 5).map((f) => f.userId));
    for (const { element } of found.slice(0, MAX_PREVIEW)) {
      const rect = element.getBoundingClientRect();
      if (rect.bottom < 0 || rect.top > innerHeight) continue;
      const mark = document.createElement('div');
      mark.className = 'match';
      Object.assign(mark.style, {
        left: `${rect.left}px`,
        top: `${rect.top}px`,
        width: `${rect.width}px`,
        height: `${rect.height}px`,
      });
      frame.append(mark);
    }
  }

  function showProposal(proposal: Finder): void {
    finder = proposal;
    const rows: Node[] = [text('strong', t('picker_proposal'))];
    if (proposal.kind === 'column') {
      rows.push(text('p', t('picker_column')));
    } else {
      fields.selector.value = proposal.selector;
      fields.attribute.value = proposal.attribute ?? '';
      fields.regex.value = proposal.regex ?? '';
      rows.push(label('picker-selector', t('sites_selector')), fields.selector);
      rows.push(label('picker-attribute', t('sites_attribute')), fields.attribute);
      rows.push(label('picker-regex', t('sites_regex')), fields.regex);
    }
    rows.push(count, sample);
    rows.push(
      button(t('sites_save'), () => void save(), true),
      button(t('picker_again'), () => {
        picking = true;
        finder = null;
        frame.querySelectorAll('.match').forEach((m) => m.remove());
        showIntro();
      }),
      button(t('ui_cancel'), finish),
    );
    panel.replaceChildren(...rows);
    preview(current());
    fields.selector.focus();
  }

  async function save(): Promise<void> {
    const chosen = current();
    if (!chosen) return;
    try {
      await sendRequest({ type: 'picker.save', finder: chosen });
      finish();
    } catch {
      count.textContent = t('picker_saveFailed');
    }
  }

  function onMove(event: PointerEvent): void {
    if (!picking) return;
    const target = document.elementFromPoint(event.clientX, event.clientY);
    if (!target || target === host) return;
    const rect = target.getBoundingClientRect();
    Object.assign(box.style, {
      display: 'block',
      left: `${rect.left}px`,
      top: `${rect.top}px`,
      width: `${rect.width}px`,
      height: `${rect.height}px`,
    });
  }

  function onClick(event: MouseEvent): void {
    if (!picking || event.composedPath().includes(host) || !event.isTrusted) return;
    event.preventDefault();
    event.stopPropagation();
    const target = document.elementFromPoint(event.clientX, event.clientY);
    if (!target || target === host) return;
    picking = false;
    box.style.display = 'none';
    showProposal(proposeFinder(target));
  }

  function onKey(event: KeyboardEvent): void {
    if (event.key === 'Escape') finish();
  }

  function finish(): void {
    document.removeEventListener('pointermove', onMove, true);
    document.removeEventListener('click', onClick, true);
    document.removeEventListener('keydown', onKey, true);
    host.remove();
    done();
  }

  document.addEventListener('pointermove', onMove, true);
  document.addEventListener('click', onClick, true);
  document.addEventListener('keydown', onKey, true);
  showIntro();
}

function text(tag: 'p' | 'strong', content: string): HTMLElement {
  const element = document.createElement(tag);
  element.textContent = content;
  if (tag === 'strong') element.style.display = 'block';
  return element;
}

function label(forId: string, content: string): HTMLLabelElement {
  const element = document.createElement('label');
  element.htmlFor = forId;
  element.textContent = content;
  return element;
}

function button(content: string, onClick: () => void, primary = false): HTMLButtonElement {
  const element = document.createElement('button');
  element.type = 'button';
  element.textContent = content;
  if (primary) element.className = 'primary';
  element.addEventListener('click', onClick);
  return element;
}
