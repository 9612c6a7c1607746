/**
 * Which table header names the UserID column, in the wordings of Tencent's console and its
 * docs (English, Chinese, Japanese). A header cell's text is cleaned of what icons, sort
 * triggers and tooltips add, folded (case, full-width forms, brackets, spacing and
 * punctuation), then compared WHOLE against one list of full forms: a cell such as "Admin" or
 * "General" is a valid UserID, so a neighbouring column taken for the ID column would put
 * buttons beside the wrong text.
 */

/** Full header forms that name the UserID column, as people write them. */
export const USER_ID_HEADER_FORMS = [
  'UserID',
  'User ID',
  'Username',
  'Username (UserID)',
  'Account ID',
  '用户名',
  '用户名（UserID）',
  '用户 ID',
  '账号',
  '帐号',
  '账号ID',
  '帐号ID',
  '用户账号',
  '用户帐号',
  'ユーザーID',
  'ユーザー名',
  'アカウントID',
] as const;

/**
 * Neighbours that share words with the forms above but name another column. Never accepted,
 * whatever the list of forms grows into.
 */
export const NOT_USER_ID_HEADERS = [
  'Account type',
  '账号类型',
  '帐号类型',
  '账号状态',
  '帐号状态',
  'Nickname',
  '昵称',
  'ニックネーム',
  'Creator',
  '创建者账号',
  '创建者',
  'Operator',
  '操作人',
  'アカウント種別',
] as const;

/**
 * Folds a header text for comparison: drops symbols (sort arrows, ⓘ) and punctuation other than
 * brackets, maps every bracket to ASCII parentheses, applies NFKC (full-width letters and
 * digits, half-width katakana), lowercases and removes white space.
 */
export function normaliseHeader(text: string): string {
  return text
    .replace(/[（【［｛[{〔「『]/gu, '(')
    .replace(/[）】］｝\]}〕」』]/gu, ')')
    .replace(/[\p{S}]/gu, '')
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}()]/gu, '');
}

const FORMS = new Set<string>(USER_ID_HEADER_FORMS.map(normaliseHeader));
const NOT_FORMS = new Set<string>(NOT_USER_ID_HEADERS.map(normaliseHeader));

/** Whether a header's text (already cleaned of decoration) names the UserID column. */
export function namesUserId(headerText: string): boolean {
  const folded = normaliseHeader(headerText);
  return FORMS.has(folded) && !NOT_FORMS.has(folded);
}

/** Elements a header cell draws besides its title: icons, hidden helpers, controls. */
const DECORATION =
  'svg, i, style, script, template, button, input, [hidden], [aria-hidden="true"], [role="tooltip"], [role="img"]';
/**
 * Class names of icons, tooltips and bubbles rendered inside a cell (Tea's `tea-icon-sort`,
 * `tea-bubble`; TDesign's `t-icon`, `t-table__filter-icon-wrap`, `t-table__cell--sort-trigger`),
 * but not of the wrappers around a title (Tea's `tea-table__sortbtn`, TDesign's
 * `t-table__cell--sortable`, `t-table__cell--title`).
 */
const DECORATION_CLASS =
  /(^|[-_])(icons?|tooltip|bubble|popup|popover|tips?|sort-trigger|sorter)([-_]|$)/i;

function isDecoration(element: Element): boolean {
  if (element.matches(DECORATION)) return true;
  for (const name of element.classList) if (DECORATION_CLASS.test(name)) return true;
  return false;
}

/**
 * The title text of a header cell: its text without what decoration adds. A decoration class
 * on the cell itself is ignored.
 */
export function headerTitle(cell: Element): string {
  let text = '';
  const walk = (node: Node) => {
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === 3) text += child.nodeValue ?? '';
      else if (child.nodeType === 1 && !isDecoration(child as Element)) walk(child);
    }
  };
  walk(cell);
  return text.replace(/\s+/g, ' ').trim();
}
