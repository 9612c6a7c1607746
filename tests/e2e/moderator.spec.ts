import { readFileSync } from 'node:fs';
import { expect, setUpDemoApp, test } from './fixtures';
import { muteForTenMinutes } from '../support/operator';

/**
 * Moderator names: set once in Options, on every audit entry from this browser, shown and
 * filterable in the audit log, and in its CSV export.
 */

test('a moderator name set in Options goes on every entry, and the audit log filters by it', async ({
  extension,
}) => {
  const options = await setUpDemoApp(extension);
  // Before a name is set: the entry has none, and no moderator filter is offered.
  await muteForTenMinutes(extension, 'alice');

  await options.getByLabel('Moderator name').fill('  mod-night-1 ');
  await options.getByRole('button', { name: 'Save name' }).click();
  await expect(options.getByText('Saved.')).toBeVisible();
  await expect(
    options.getByText('It is declared, not checked: anyone using this browser acts under it.'),
  ).toBeVisible();
  await muteForTenMinutes(extension, 'bob');
  await muteForTenMinutes(extension, 'carol');

  await options.reload();
  await expect(options.getByLabel('Moderator name')).toHaveValue('mod-night-1');
  const audit = options.getByRole('region', { name: 'Audit log' });
  const rows = audit.locator('tbody tr');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText('mod-night-1');
  await expect(rows.nth(0)).toContainText('carol');
  await expect(rows.nth(2)).toContainText('alice');
  await expect(rows.nth(2)).not.toContainText('mod-night-1');

  await audit.getByLabel('Moderator', { exact: true }).selectOption('mod-night-1');
  await expect(rows).toHaveCount(2);
  await expect(audit).not.toContainText('alice');

  const download = options.waitForEvent('download');
  await audit.getByRole('button', { name: 'Export CSV' }).click();
  const csv = readFileSync(await (await download).path(), 'utf8');
  const lines = csv.trim().split('\r\n');
  // A UTF-8 byte order mark first (trim() would take it away with the whitespace).
  expect(csv.startsWith('\uFEFFtime,moderator,app,')).toBe(true);
  expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(['mod-night-1', 'mod-night-1']);
});
