/** @vitest-environment happy-dom */
import { describe, expect, it } from 'vitest';
import {
  NOT_USER_ID_HEADERS,
  USER_ID_HEADER_FORMS,
  headerTitle,
  namesUserId,
  normaliseHeader,
} from '../../../../utils/sites/user-id-header';

describe('headers that name the UserID column', () => {
  it.each(USER_ID_HEADER_FORMS)('accepts %s, in any case and spacing', (form) => {
    expect(namesUserId(form)).toBe(true);
    expect(namesUserId(` ${form.toUpperCase()} `)).toBe(true);
    expect(namesUserId(form.toLowerCase())).toBe(true);
  });

  it.each([
    ['Username(UserID)'],
    ['Username （UserID）'],
    ['用户名(UserID)'],
    ['用户名 ( UserID )'],
    ['用户名【UserID】'],
    ['ＵｓｅｒＩＤ'],
    ['User-ID'],
    ['User_ID'],
    ['UserID:'],
    ['用户ID：'],
    ['用户 ID'],
    ['ﾕｰｻﾞｰID'],
    ['UserID ⓘ'],
    ['UserID ↑↓'],
    ['* Account ID'],
  ])('folds brackets, widths, punctuation and icon glyphs: %s', (text) => {
    expect(namesUserId(text)).toBe(true);
  });

  it.each(NOT_USER_ID_HEADERS)('refuses the neighbour %s', (text) => {
    expect(namesUserId(text)).toBe(false);
    expect(namesUserId(text.toUpperCase())).toBe(false);
  });

  it.each([
    ['ID'],
    ['#'],
    ['User'],
    ['Account'],
    ['Account status'],
    ['UserID of the creator'],
    ['Creator UserID'],
    ['Nickname (UserID)'],
    ['Group ID'],
    ['群ID'],
    ['用户昵称'],
    ['Member'],
    [''],
  ])('refuses what only shares words: %s', (text) => {
    expect(namesUserId(text)).toBe(false);
  });

  it('keeps the bracketed part: "Username (UserID)" is not "UsernameUserID"', () => {
    expect(normaliseHeader('Username (UserID)')).toBe('username(userid)');
    expect(namesUserId('UsernameUserID')).toBe(false);
  });
});

describe('the title of a header cell', () => {
  const cell = (html: string) => {
    const th = document.createElement('th');
    th.innerHTML = html;
    return th;
  };

  it('leaves out sort and help icons, tooltips and hidden helpers', () => {
    expect(
      headerTitle(
        cell(
          '<div class="tea-table__title">Username (UserID)<i class="tea-icon tea-icon-sort">↕</i><span class="tea-bubble">The account\'s unique ID</span></div>',
        ),
      ),
    ).toBe('Username (UserID)');
    expect(
      headerTitle(
        cell(
          '<div class="t-table__cell--sort"><div class="t-table__cell--title"><div>UserID</div></div><div class="t-table__cell--sort-trigger"><svg><text>asc</text></svg></div></div>',
        ),
      ),
    ).toBe('UserID');
    expect(
      headerTitle(
        cell('用户名<span aria-hidden="true">?</span><span role="tooltip">用户的唯一标识</span>'),
      ),
    ).toBe('用户名');
  });

  it("reads Tea's and TDesign's sortable headers, whose title sits inside the sort wrapper", () => {
    // tea-component 2.7 (table/addons/sortable): the title is inside .tea-table__sortbtn.
    expect(
      headerTitle(
        cell(
          '<div><span class="tea-table__sortbtn"><span class="tea-table__headerop tea-text-overflow">Username (UserID)<i class="tea-icon tea-icon-help" role="img" aria-label="help"></i></span><i class="tea-icon tea-icon-sort" role="img" aria-label="sort"></i></span></div>',
        ),
      ),
    ).toBe('Username (UserID)');
    // tdesign-react 1.18 (table/THead): .t-table__cell--sortable wraps the title.
    expect(
      headerTitle(
        cell(
          '<div class="t-table__th-cell-inner"><div class="t-table__cell--sortable"><div class="t-table__cell--title"><div>UserID <svg class="t-icon t-icon-help-circle"></svg></div><div class="t-table__filter-icon-wrap"><div class="t-table__cell--sort-trigger"><span class="t-table__sort-icon">▲</span></div></div></div></div></div>',
        ),
      ),
    ).toBe('UserID');
  });

  it('keeps all the words of a real title, across wrappers', () => {
    expect(headerTitle(cell('<div><span>Account</span> <span>type</span></div>'))).toBe(
      'Account type',
    );
  });
});
