import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { LOOPBACK_BUILD, PRODUCTION_BUILD } from '../support/browser';

// The build that ships, checked as a store reviewer would. No browser needed.

const readManifest = (dir: string) =>
  JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
/**
 * Written out, not computed from the code under test: the region hosts of Tencent's API page
 * (../shared/seed/setting-global-mute.txt) and each region's backup host on my-imcloud.com.
 * A host added to or dropped from the code's region table must show up here.
 */
const REGION_PATTERNS = [
  'console.tim.qq.com',
  'adminapi.my-imcloud.com',
  'adminapisgp.im.qcloud.com',
  'adminapisgp.my-imcloud.com',
  'adminapikr.im.qcloud.com',
  'adminapikr.my-imcloud.com',
  'adminapijpn.im.qcloud.com',
  'adminapijpn.my-imcloud.com',
  'adminapiger.im.qcloud.com',
  'adminapiger.my-imcloud.com',
  'adminapiusa.im.qcloud.com',
  'adminapiusa.my-imcloud.com',
  'adminapiidn.im.qcloud.com',
  'adminapiidn.my-imcloud.com',
]
  .map((h) => `https://${h}/*`)
  .sort();

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

test('the production manifest asks for the least it needs', () => {
  const manifest = readManifest(PRODUCTION_BUILD);
  expect(manifest.manifest_version).toBe(3);
  expect(manifest.externally_connectable).toEqual({ ids: [] });
  expect((manifest.host_permissions as string[]).slice().sort()).toEqual(REGION_PATTERNS);
  expect(manifest.optional_host_permissions).toEqual(['https://*/*']);
  expect(manifest).not.toHaveProperty('content_security_policy');
  expect(manifest).not.toHaveProperty('web_accessible_resources');
  expect(manifest.name).toBe('__MSG_extName__');
  expect(manifest.default_locale).toBe('en');
  for (const icon of Object.values(manifest.icons as Record<string, string>)) {
    expect(existsSync(path.join(PRODUCTION_BUILD, icon))).toBe(true);
  }
  for (const locale of ['en', 'zh_CN', 'ja']) {
    expect(existsSync(path.join(PRODUCTION_BUILD, '_locales', locale, 'messages.json'))).toBe(true);
  }
});

/** What in the code shows a permission is used: its API namespace, for activeTab the script
 * injection into the current tab it exists for, for unlimitedStorage the paged audit log. */
const PERMISSION_EVIDENCE: Record<string, string> = {
  activeTab: '.executeScript(',
  unlimitedStorage: '`auditPage.`',
};

test('every permission the production build asks for is used by its code', () => {
  const manifest = readManifest(PRODUCTION_BUILD);
  const code = filesUnder(PRODUCTION_BUILD)
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
  const unused = (manifest.permissions as string[]).filter(
    (p) => !code.includes(PERMISSION_EVIDENCE[p] ?? `.${p}.`),
  );
  expect(unused).toEqual([]);
  expect((manifest.permissions as string[]).slice().sort()).toEqual(
    [
      'activeTab',
      'alarms',
      'contextMenus',
      'idle',
      'notifications',
      'scripting',
      'storage',
      'unlimitedStorage',
    ].sort(),
  );
});

test('the production build loads no remote code and allows no plain http', () => {
  for (const file of filesUnder(PRODUCTION_BUILD).filter((f) => /\.(js|html)$/.test(f))) {
    const text = readFileSync(file, 'utf8');
    expect(text, file).not.toMatch(/<script[^>]+src=["']https?:/);
    expect(text, file).not.toMatch(/import\(["']https?:/);
  }
  expect(readManifest(PRODUCTION_BUILD).host_permissions).not.toContain('http://127.0.0.1/*');
});

test('only the loopback (demo and test) build may reach loopback over plain http', () => {
  const manifest = readManifest(LOOPBACK_BUILD);
  expect((manifest.host_permissions as string[]).slice().sort()).toEqual(
    [...REGION_PATTERNS, 'http://127.0.0.1/*', 'http://localhost/*'].sort(),
  );
});

test('the page-UI harness for the accessibility checks is in the test build only', () => {
  expect(existsSync(path.join(LOOPBACK_BUILD, 'ui-harness.html'))).toBe(true);
  expect(existsSync(path.join(PRODUCTION_BUILD, 'ui-harness.html'))).toBe(false);
  const shipped = readdirSync(path.join(PRODUCTION_BUILD, 'chunks'));
  expect(shipped.filter((file) => file.includes('harness'))).toEqual([]);
});
