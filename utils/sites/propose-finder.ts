import { parseUserId } from '../mute/user-id';
import type { Finder } from './site';
import { headerTitle, namesUserId } from './user-id-header';

const CELL = 'td, [role="cell"], [role="gridcell"]';
/** Class names that look generated (hashes, digits, CSS-in-JS prefixes) make brittle selectors. */
const GENERATED = /\d|^(css|sc|jsx|emotion|chakra|makeStyles|MuiBox)-|^_|[A-Z].*[A-Z].*[A-Z]/;

/**
 * Proposes how to find IDs like the one the operator clicked: the table column by its header
 * when there is one, else a CSS selector reading the element's text, or a data attribute that
 * holds the ID. The operator sees the match count and a preview before anything is saved.
 */
export function proposeFinder(element: Element): Finder {
  const cell = element.closest(CELL);
  if (cell) {
    const header = headerText(cell);
    if (header)
      return namesUserId(header)
        ? { kind: 'column' }
        : { kind: 'column', header: `^\\s*${escapeRegex(header)}\\s*$` };
  }
  for (const attribute of Array.from(element.attributes)) {
    if (
      attribute.name.startsWith('data-') &&
      parseUserId(attribute.value).ok &&
      attribute.value.length <= 32
    ) {
      return {
        kind: 'selector',
        selector: selectorFor(element),
        source: 'attribute',
        attribute: attribute.name,
      };
    }
  }
  return { kind: 'selector', selector: selectorFor(element), source: 'text' };
}

/** A short selector for elements like this one: stable classes, else position under a stable parent. */
export function selectorFor(element: Element): string {
  const own = stableClasses(element);
  const tag = element.tagName.toLowerCase();
  if (own.length > 0) return `${tag}.${own.slice(0, 2).map(cssEscape).join('.')}`;
  const dataAttribute = Array.from(element.attributes).find((a) => a.name.startsWith('data-'));
  if (dataAttribute) return `${tag}[${dataAttribute.name}]`;
  const parent = element.parentElement;
  if (parent) {
    const parentClasses = stableClasses(parent);
    const index =
      Array.from(parent.children)
        .filter((c) => c.tagName === element.tagName)
        .indexOf(element) + 1;
    const parentPart =
      parentClasses.length > 0
        ? `${parent.tagName.toLowerCase()}.${cssEscape(parentClasses[0] as string)}`
        : parent.tagName.toLowerCase();
    return `${parentPart} > ${tag}:nth-of-type(${index})`;
  }
  return tag;
}

function stableClasses(element: Element): string[] {
  return Array.from(element.classList).filter((c) => c.length <= 30 && !GENERATED.test(c));
}

function headerText(cell: Element): string | null {
  const row = cell.parentElement;
  if (!row) return null;
  const index = Array.from(row.children).indexOf(cell);
  const table = cell.closest('table, [role="table"], [role="grid"]');
  const headerRow = table?.querySelector('thead tr, [role="row"]:has([role="columnheader"])');
  const header = headerRow?.children[index];
  const text = header ? headerTitle(header) : '';
  return text.length > 0 && text.length <= 60 ? text : null;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function cssEscape(name: string): string {
  return typeof CSS !== 'undefined' && CSS.escape
    ? CSS.escape(name)
    : name.replace(/[^\w-]/g, (c) => `\\${c}`);
}
