import { parseUserId } from '../mute/user-id';
import { LEGACY_USER_ID_HEADER, type Finder } from './site';
import { headerTitle, namesUserId } from './user-id-header';

/** A user ID shown on the page, and the element that shows it. */
export interface FoundId {
  element: Element;
  userId: string;
}

const ROW = 'tr, [role="row"]';
const HEADER_CELL = 'th, [role="columnheader"]';
const TABLE = 'table, [role="table"], [role="grid"], [role="treegrid"]';
const CELL = 'td, th, [role="cell"], [role="gridcell"], [role="columnheader"], [role="rowheader"]';
/**
 * Rows that stand in for data: the empty-state and loading rows of Tea and TDesign, skeletons,
 * and anything the page marks busy. A cell there reads like an ID ("No data yet") but is none.
 */
const PLACEHOLDER =
  '[aria-busy="true"], [class*="table__tr--blank"], [class*="table__empty"], [class*="table__loading"], [class*="table-empty"], [class*="skeleton"], [class*="placeholder"]';

/**
 * Finds user IDs according to a site's finder. `find(root)` searches a whole document or an
 * added subtree; the cost is proportional to what it is given, not to the page.
 */
export interface IdFinder {
  /** What to look at in a whole document, cheaply: rows under an ID column, or selector matches.
   * Each can then go through `find` on its own, a slice at a time. */
  units(doc: Document): Element[];
  find(root: ParentNode): FoundId[];
  /**
   * The ID an element found earlier shows NOW, or null when it shows none (its text changed
   * to something else, its row became a placeholder, its column is no longer the ID column).
   * With `rendered`, text the page hides (display: none, visibility: hidden) does not count:
   * the check made at the moment of action.
   */
  read(element: Element, options?: { rendered?: boolean }): string | null;
  /** Whether a change at this element may have moved the ID column (a header changed). */
  rescanHeaders(root: Element): boolean;
  /** Attributes whose changes can change which ID an element shows. */
  readonly attributes: readonly string[];
}

export function createIdFinder(finder: Finder): IdFinder {
  if (finder.kind === 'selector') return selectorFinder(finder);
  const header = finder.header;
  if (header === undefined || header === LEGACY_USER_ID_HEADER) return columnFinder(namesUserId);
  const regex = new RegExp(header, 'i');
  return columnFinder((title) => regex.test(title));
}

function selectorFinder(finder: Extract<Finder, { kind: 'selector' }>): IdFinder {
  const regex = finder.regex ? new RegExp(finder.regex) : null;
  const byAttribute = finder.source === 'attribute' && finder.attribute !== undefined;
  const idOf = (element: Element, rendered = false): string | null => {
    if (!element.isConnected || !element.matches(finder.selector) || isPlaceholder(element))
      return null;
    const raw = byAttribute
      ? element.getAttribute(finder.attribute as string)
      : textOf(element, rendered);
    if (raw === null) return null;
    const match = regex ? regex.exec(raw) : null;
    const value = regex ? (match ? (match[1] ?? match[0]) : null) : raw;
    const parsed = value === null ? null : parseUserId(value);
    return parsed?.ok ? parsed.userId : null;
  };
  return {
    units: (doc) => Array.from(doc.querySelectorAll(finder.selector)),
    find(root) {
      const found: FoundId[] = [];
      const consider = (element: Element) => {
        const userId = idOf(element);
        if (userId !== null) found.push({ element, userId });
      };
      // A change inside a match (its text) is found from the match around it.
      const around = isElement(root) ? root.closest(finder.selector) : null;
      if (around) consider(around);
      for (const element of root.querySelectorAll(finder.selector)) consider(element);
      return found;
    },
    read: (element, options) => idOf(element, options?.rendered),
    rescanHeaders: () => false,
    attributes: byAttribute ? [finder.attribute as string] : [],
  };
}

interface Column {
  /** The rows' container: the header's table, or the container of a split header/body table. */
  scope: Element;
  index: number;
  header: Element;
}

function columnFinder(isIdHeader: (title: string) => boolean): IdFinder {
  let columns: Column[] | null = null;

  function locate(doc: Document): Column[] {
    const found: Column[] = [];
    for (const cell of doc.querySelectorAll(HEADER_CELL)) {
      if (!isIdHeader(headerTitle(cell))) continue;
      const row = cell.closest(ROW) ?? cell.parentElement;
      if (!row) continue;
      const index = cellsOf(row).indexOf(cell);
      const table = cell.closest(TABLE);
      if (index < 0 || !table) continue;
      found.push({ scope: bodyScope(table), index, header: cell });
    }
    return found;
  }

  function current(doc: Document): Column[] {
    if (columns === null || columns.some((c) => !c.header.isConnected)) columns = locate(doc);
    return columns;
  }

  /** The ID a row's cell shows, when that cell is the row's ID cell and the row holds data. */
  function idOfCell(
    row: Element,
    cells: Element[],
    cell: Element | undefined,
    rendered = false,
  ): string | null {
    if (!cell || cell.matches(HEADER_CELL) || !isDataRow(row, cells)) return null;
    const parsed = parseUserId(textOf(cell, rendered));
    return parsed.ok ? parsed.userId : null;
  }

  /** The row's cells and, among them, its ID cell (when the row is under an ID column). */
  function idCellOf(row: Element, doc: Document): { cells: Element[]; cell?: Element } {
    const column = current(doc).find((c) => c.scope.contains(row));
    if (!column) return { cells: [] };
    const cells = cellsOf(row);
    return { cells, cell: cells[column.index] };
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
      if (isDocument(root)) columns = locate(doc);
      const found: FoundId[] = [];
      const rows = new Set<Element>();
      if (isElement(root)) {
        const enclosing = root.closest(ROW);
        if (enclosing) rows.add(enclosing);
      }
      for (const row of root.querySelectorAll(ROW)) rows.add(row);
      for (const row of rows) {
        const { cells, cell } = idCellOf(row, doc);
        const userId = idOfCell(row, cells, cell);
        if (cell && userId !== null) found.push({ element: cell, userId });
      }
      return found;
    },
    read(element, options) {
      const row = element.closest(ROW);
      if (!row || !element.isConnected) return null;
      const { cells, cell } = idCellOf(row, element.ownerDocument);
      return cell === element ? idOfCell(row, cells, cell, options?.rendered) : null;
    },
    rescanHeaders(root) {
      const changed =
        root.closest(HEADER_CELL) !== null ||
        root.matches(HEADER_CELL) ||
        root.querySelector(HEADER_CELL) !== null;
      if (changed) columns = null;
      return changed;
    },
    attributes: [],
  };
}

/**
 * A row that shows data: not an empty-state or loading row, not one cell spanning the table
 * (how both libraries draw "No data yet" and "Loading…"), not inside anything marked busy.
 */
function isDataRow(row: Element, cells: Element[]): boolean {
  if (cells.length === 1) {
    const only = cells[0] as Element;
    const span = Number(only.getAttribute('colspan') ?? only.getAttribute('aria-colspan') ?? 1);
    if (span > 1) return false;
  }
  return !isPlaceholder(row);
}

function isPlaceholder(element: Element): boolean {
  return element.closest(PLACEHOLDER) !== null;
}

/** The text an element shows: all of it, or with `rendered` only what CSS leaves visible. */
function textOf(element: Element, rendered: boolean): string {
  if (rendered && 'innerText' in element) return (element as HTMLElement).innerText;
  return element.textContent ?? '';
}

/** A row's cells: `td`/`th` by tag name (cheap, and most rows), else by ARIA role. */
function cellsOf(row: Element): Element[] {
  const cells: Element[] = [];
  for (const child of row.children) {
    const tag = child.localName;
    if (tag === 'td' || tag === 'th' || child.matches(CELL)) cells.push(child);
  }
  return cells;
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
