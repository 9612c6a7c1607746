/** @vitest-environment happy-dom */
import { beforeEach, describe, expect, it } from 'vitest';
import { createIdFinder } from '../../../../utils/sites/find-ids';
import { proposeFinder } from '../../../../utils/sites/propose-finder';
import {
  USER_ID_HEADER,
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
    expect(ids(document, { kind: 'column', header: USER_ID_HEADER })).toEqual(['alice', 'bob']);
  });

  it('scans only what was added', () => {
    document.body.innerHTML =
      '<table><thead><tr><th>UserID</th></tr></thead><tbody id="rows"><tr><td>alice</td></tr></tbody></table>';
    const finder = createIdFinder({ kind: 'column', header: USER_ID_HEADER });
    expect(finder.find(document).map((f) => f.userId)).toEqual(['alice']);
    const row = document.createElement('tr');
    row.innerHTML = '<td>bob</td>';
    document.getElementById('rows')?.append(row);
    expect(finder.find(row).map((f) => f.userId)).toEqual(['bob']);
    expect(finder.rescanHeaders(row)).toBe(false);
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
