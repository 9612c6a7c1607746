import { parseUserId } from '../mute/user-id';
import type { Finder } from './site';

/** A user ID shown on the page, and the element that shows it. */
export interface FoundId {
  element: Element;
  userId: string;
}

const ROW = 'tr, [role="row"]';
const HEADER_CELL = 'th, [role="columnheader"]';
const TABLE = 'table, [role="table"], [role="grid"], [role="treegrid"]';

/**
 * Finds user IDs according to a site's finder. `find(root)` searches a whole document or an
 * added subtree; the cost is proportional to what it is given, not to the page.
 */
export interface IdFinder {
  /** What to look at in a whole document, cheaply: rows under an ID column, or selector matches.
   * Each can then go through `find` on its own, a slice at a time. */
  units(doc: Document): Element[];
  find(root: ParentNode): FoundId[];
  /** Whether a subtree may have changed where the IDs or their headers are. */
  rescanHeaders(root: ParentNode): boolean;
}

export function createIdFinder(finder: Finder): IdFinder {
  return finder.kind === 'selector'
    ? selectorFinder(finder)
    : columnFinder(new RegExp(finder.header, 'i'));
}

function selectorFinder(finder: Extract<Finder, { kind: 'selector' }>): IdFinder {
  const regex = finder.regex ? new RegExp(finder.regex) : null;
  const read = (element: Element): string | null => {
    const raw =
      finder.source === 'attribute' && finder.attribute
        ? element.getAttribute(finder.attribute)
        : element.textContent;
    if (raw === null) return null;
    if (!regex) return raw;
    const match = regex.exec(raw);
    return match ? (match[1] ?? match[0]) : null;
  };
  return {
    units: (doc) => Array.from(doc.querySelectorAll(finder.selector)),
    find(root) {
      const found: FoundId[] = [];
      const consider = (element: Element) => {
        const value = read(element);
        const parsed = value === null ? null : parseUserId(value);
        if (parsed?.ok) found.push({ element, userId: parsed.userId });
      };
      if (isElement(root) && root.matches(finder.selector)) consider(root);
      for (const element of root.querySelectorAll(finder.selector)) consider(element);
      return found;
    },
    rescanHeaders: () => false,
  };
}

interface Column {
  /** The rows' container: the header's table, or the container of a split header/body table. */
  scope: Element;
  index: number;
  header: Element;
}

function columnFinder(header: RegExp): IdFinder {
  let columns: Column[] | null = null;

  function locate(doc: Document): Column[] {
    const found: Column[] = [];
    for (const cell of doc.querySelectorAll(HEADER_CELL)) {
      if (!header.test((cell.textContent ?? '').trim())) continue;
      const row = cell.closest(ROW) ?? cell.parentElement;
      if (!row) continue;
      const index = cellsOf(row).indexOf(cell);
      const table = cell.closest(TABLE);
      if (index < 0 || !table) continue;
      found.push({ scope: bodyScope(table), index, header: cell });
    }
    return found;
  }

  function cellAt(row: Element, column: Column): FoundId | null {
    const cell = cellsOf(row)[column.index];
    if (!cell || cell.matches(HEADER_CELL)) return null;
    const parsed = parseUserId(cell.textContent ?? '');
    return parsed.ok ? { element: cell, userId: parsed.userId } : null;
  }

  return {
    units(doc) {
      columns = locate(doc);
      const scopes = columns.map((c) => c.scope);
      return Array.from(doc.querySelectorAll(ROW)).filter((row) =>
        scopes.some((scope) => scope.contains(row)),
      );
    },
    find(root) {
      const doc = isDocument(root) ? root : (root as Node).ownerDocument;
      if (!doc) return [];
      if (columns === null || isDocument(root) || columns.some((c) => !c.header.isConnected))
        columns = locate(doc);
      const found: FoundId[] = [];
      const rows = new Set<Element>();
      if (isElement(root)) {
        const enclosing = root.closest(ROW);
        if (enclosing) rows.add(enclosing);
      }
      for (const row of root.querySelectorAll(ROW)) rows.add(row);
      for (const row of rows) {
        const column = columns.find((c) => c.scope.contains(row));
        const id = column ? cellAt(row, column) : null;
        if (id) found.push(id);
      }
      return found;
    },
    rescanHeaders(root) {
      const changed =
        isElement(root) && (root.matches(HEADER_CELL) || root.querySelector(HEADER_CELL) !== null);
      if (changed) columns = null;
      return changed;
    },
  };
}

function cellsOf(row: Element): Element[] {
  return Array.from(row.children).filter((c) =>
    c.matches(
      'td, th, [role="cell"], [role="gridcell"], [role="columnheader"], [role="rowheader"]',
    ),
  );
}

/**
 * Where a header's body rows live: its own table when it has body rows, else the nearest
 * ancestor that also holds another table (component libraries split fixed headers off).
 */
function bodyScope(table: Element): Element {
  if (
    table.querySelector('tbody tr, [role="rowgroup"] [role="row"]:not(:has([role="columnheader"]))')
  )
    return table;
  let scope: Element | null = table.parentElement;
  for (let depth = 0; scope && depth < 4; depth++, scope = scope.parentElement) {
    if (Array.from(scope.querySelectorAll(TABLE)).some((t) => t !== table && !table.contains(t)))
      return scope;
  }
  return table;
}

/** A document (by node type: `instanceof` fails across realms and in DOM emulations). */
export function isDocument(node: ParentNode): node is Document {
  return (node as Node).nodeType === 9;
}

function isElement(node: ParentNode): node is Element {
  return (node as Node).nodeType === 1;
}
