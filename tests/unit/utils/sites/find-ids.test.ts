/** @vitest-environment happy-dom */
import { beforeEach, describe, expect, it } from 'vitest';
import { createIdFinder } from '../../../../utils/sites/find-ids';
import { proposeFinder } from '../../../../utils/sites/propose-finder';
import {
  LEGACY_USER_ID_HEADER,
  mergeSites,
  patternMatches,
  siteMatches,
  BUILT_IN_SITES,
  originOfPattern,
} from '../../../../utils/sites/site';

const ids = (root: ParentNode, finder: Parameters<typeof createIdFinder>[0]) =>
  createIdFinder(finder)
    .find(root)
    .map((f) => f.userId);

beforeEach(() => {
  document.body.innerHTML = '';
});

describe('finding IDs', () => {
  it("reads a selector's text, an attribute, or a regex capture", () => {
    document.body.innerHTML = `
      <span class="uid"> alice </span><span class="uid">@bob</span><span class="uid">not valid é</span>
      <a class="member" data-uid="carol">Carol</a>
      <p class="log">[12:00] user=dave said hi</p>`;
    expect(ids(document, { kind: 'selector', selector: '.uid', source: 'text' })).toEqual([
      'alice',
      'bob',
    ]);
    expect(
      ids(document, {
        kind: 'selector',
        selector: '.member',
        source: 'attribute',
        attribute: 'data-uid',
      }),
    ).toEqual(['carol']);
    expect(
      ids(document, { kind: 'selector', selector: '.log', source: 'text', regex: 'user=(\\S+)' }),
    ).toEqual(['dave']);
  });

  it('finds the column whose header names the UserID, in a split header/body table too', () => {
    document.body.innerHTML = `
      <div class="tbl">
        <div class="head"><table><thead><tr><th>Member</th><th>用户ID</th></tr></thead></table></div>
        <div class="body"><table><tbody>
          <tr><td>Member 1</td><td>alice</td></tr>
          <tr><td>Member 2</td><td>bob</td></tr>
        </tbody></table></div>
      </div>
      <table><thead><tr><th>Nickname</th></tr></thead><tbody><tr><td>carol</td></tr></tbody></table>`;
    expect(ids(document, { kind: 'column' })).toEqual(['alice', 'bob']);
  });

  it('scans only what was added', () => {
    document.body.innerHTML =
      '<table><thead><tr><th>UserID</th></tr></thead><tbody id="rows"><tr><td>alice</td></tr></tbody></table>';
    const finder = createIdFinder({ kind: 'column' });
    expect(finder.find(document).map((f) => f.userId)).toEqual(['alice']);
    const row = document.createElement('tr');
    row.innerHTML = '<td>bob</td>';
    document.getElementById('rows')?.append(row);
    expect(finder.find(row).map((f) => f.userId)).toEqual(['bob']);
    expect(finder.rescanHeaders(row)).toBe(false);
  });
});

describe('the UserID column, and only data rows under it', () => {
  const table = (headers: string[], rows: string[]) =>
    `<table><thead><tr>${headers.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;

  it('takes the ID column beside an account-type column, never the neighbour', () => {
    document.body.innerHTML = table(
      ['Username (UserID)<i class="tea-icon tea-icon-sort"></i>', 'Account type', 'Nickname'],
      [
        '<tr><td>alice</td><td>Admin</td><td>Al</td></tr>',
        '<tr><td>bob</td><td>General</td><td>Bo</td></tr>',
      ],
    );
    expect(ids(document, { kind: 'column' })).toEqual(['alice', 'bob']);
  });

  it('finds nothing on a page whose only columns are neighbours holding ID-like text', () => {
    document.body.innerHTML = [
      'Account type',
      '账号类型',
      'Nickname',
      'Creator',
      '创建者账号',
      'Operator',
    ]
      .map((h) => table([h], ['<tr><td>Admin</td></tr>', '<tr><td>General</td></tr>']))
      .join('');
    expect(ids(document, { kind: 'column' })).toEqual([]);
  });

  it('skips empty-state, loading and busy rows, also when the ID column comes first', () => {
    const rows = [
      '<tr><td colspan="3">No data yet</td></tr>',
      '<tr class="t-table__empty-row"><td><div class="t-table__empty">Empty Data</div></td></tr>',
      '<tr><td colspan="3"><div class="tea-table__loading">Loading</div></td></tr>',
    ];
    document.body.innerHTML = table(['UserID', 'Nickname', 'Created'], rows);
    expect(ids(document, { kind: 'column' })).toEqual([]);
    document.body.innerHTML = `<div aria-busy="true">${table(['UserID'], ['<tr><td>alice</td></tr>'])}</div>`;
    expect(ids(document, { kind: 'column' })).toEqual([]);
    // A one-column table of IDs is data all the same.
    document.body.innerHTML = table(['UserID'], ['<tr><td>alice</td></tr>']);
    expect(ids(document, { kind: 'column' })).toEqual(['alice']);
  });

  it("reads the legacy stored header regex as the known forms (it missed 'Username (UserID)')", () => {
    document.body.innerHTML = table(['Username (UserID)'], ['<tr><td>carol</td></tr>']);
    expect(new RegExp(LEGACY_USER_ID_HEADER, 'i').test('Username (UserID)')).toBe(false);
    expect(ids(document, { kind: 'column', header: LEGACY_USER_ID_HEADER })).toEqual(['carol']);
  });

  it("an operator's own header regex is tested against the title without its icons", () => {
    document.body.innerHTML = table(
      ['Member handle<i class="icon-help">?</i>', 'Name'],
      ['<tr><td>dave</td><td>Dave</td></tr>'],
    );
    expect(ids(document, { kind: 'column', header: '^member handle$' })).toEqual(['dave']);
  });
});

describe('reading an ID again at the moment of action', () => {
  it('follows text written in place, and gives null when the cell shows no ID', () => {
    document.body.innerHTML =
      '<table><thead><tr><th>UserID</th><th>Type</th></tr></thead><tbody><tr><td><div id="t">user_0025</div></td><td>Normal</td></tr></tbody></table>';
    const finder = createIdFinder({ kind: 'column' });
    const [found] = finder.find(document);
    const cell = found?.element as Element;
    expect(finder.read(cell)).toBe('user_0025');
    (document.getElementById('t') as HTMLElement).textContent = 'troll-42';
    expect(finder.read(cell)).toBe('troll-42');
    (document.getElementById('t') as HTMLElement).textContent = '—';
    expect(finder.read(cell)).toBeNull();
    // A cell of another column, or a cell gone from the page, shows no ID.
    expect(finder.read(cell.nextElementSibling as Element)).toBeNull();
    (document.getElementById('t') as HTMLElement).textContent = 'bob';
    cell.closest('tr')?.remove();
    expect(finder.read(cell)).toBeNull();
  });

  it('gives null once the header no longer names the UserID', () => {
    document.body.innerHTML =
      '<table><thead><tr><th id="h">UserID</th></tr></thead><tbody><tr><td>alice</td></tr></tbody></table>';
    const finder = createIdFinder({ kind: 'column' });
    const cell = finder.find(document)[0]?.element as Element;
    const header = document.getElementById('h') as HTMLElement;
    header.textContent = 'Nickname';
    expect(finder.rescanHeaders(header)).toBe(true);
    expect(finder.read(cell)).toBeNull();
  });

  it('with rendered, text the page hides does not count', () => {
    document.body.innerHTML =
      '<table><thead><tr><th>UserID</th></tr></thead><tbody><tr><td id="c"><span style="display:none">evil</span>bob</td></tr></tbody></table>';
    const finder = createIdFinder({ kind: 'column' });
    const cell = document.getElementById('c') as Element;
    expect(finder.read(cell)).toBe('evilbob');
    expect(finder.read(cell, { rendered: true })).toBe('bob');
  });

  it('a selector finder reads the attribute, and finds the match around a changed node', () => {
    document.body.innerHTML = '<a class="member" data-uid="carol"><b id="inner">Carol</b></a>';
    const byAttribute = createIdFinder({
      kind: 'selector',
      selector: '.member',
      source: 'attribute',
      attribute: 'data-uid',
    });
    expect(byAttribute.attributes).toEqual(['data-uid']);
    const member = document.querySelector('.member') as Element;
    member.setAttribute('data-uid', 'erin');
    expect(byAttribute.read(member)).toBe('erin');
    const byText = createIdFinder({ kind: 'selector', selector: '.member', source: 'text' });
    expect(byText.find(document.getElementById('inner') as Element).map((f) => f.userId)).toEqual([
      'Carol',
    ]);
    member.classList.remove('member');
    expect(byText.read(member)).toBeNull();
  });
});

describe('built-in sites', () => {
  it('take only their switches from storage: pattern and finder always come from the code', () => {
    const [builtIn] = BUILT_IN_SITES;
    if (!builtIn) throw new Error('no built-in site');
    const stored = {
      ...builtIn,
      pattern: 'https://*/*',
      finder: { kind: 'column' as const, header: LEGACY_USER_ID_HEADER },
      enabled: false,
      hoverOnly: true,
    };
    const merged = mergeSites([stored]).find((s) => s.id === builtIn.id);
    expect(merged).toEqual({ ...builtIn, enabled: false, hoverOnly: true });
    expect(merged?.finder).toEqual({ kind: 'column' });
  });
});

describe('proposing a finder from a click', () => {
  it('prefers the table column by its header', () => {
    document.body.innerHTML =
      '<table><thead><tr><th>#</th><th>Account</th></tr></thead><tbody><tr><td>1</td><td id="x">alice</td></tr></tbody></table>';
    expect(proposeFinder(document.getElementById('x') as Element)).toEqual({
      kind: 'column',
      header: '^\\s*Account\\s*$',
    });
  });

  it('uses a data attribute holding the ID, and stable classes only', () => {
    document.body.innerHTML =
      '<span id="x" class="member css-1x2y3z" data-uid="carol">Carol</span><b id="y" class="name">dave</b>';
    expect(proposeFinder(document.getElementById('x') as Element)).toEqual({
      kind: 'selector',
      selector: 'span.member',
      source: 'attribute',
      attribute: 'data-uid',
    });
    expect(proposeFinder(document.getElementById('y') as Element)).toEqual({
      kind: 'selector',
      selector: 'b.name',
      source: 'text',
    });
  });
});

describe('site patterns', () => {
  it('match schemes, hosts, wildcards and path prefixes', () => {
    const url = (u: string) => new URL(u);
    expect(
      patternMatches('https://admin.example.com/*', url('https://admin.example.com/users?id=1')),
    ).toBe(true);
    expect(patternMatches('https://admin.example.com/*', url('http://admin.example.com/'))).toBe(
      false,
    );
    expect(patternMatches('https://*.example.com/*', url('https://a.b.example.com/x'))).toBe(true);
    expect(patternMatches('https://*.example.com/*', url('https://evil-example.com/x'))).toBe(
      false,
    );
    expect(
      patternMatches('http://127.0.0.1/custom*', url('http://127.0.0.1:8088/custom-admin.html')),
    ).toBe(true);
    const console = BUILT_IN_SITES[0];
    expect(
      console && siteMatches(console, 'https://console.cloud.tencent.com/im/account-management'),
    ).toBe(true);
    expect(console && siteMatches(console, 'https://console.cloud.tencent.com/cvm/index')).toBe(
      false,
    );
    expect(originOfPattern('https://admin.example.com/reports/*')).toBe(
      'https://admin.example.com/*',
    );
    expect(originOfPattern('not a pattern')).toBeNull();
  });
});
