import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, PASSPHRASE, setUpDemoApp, test } from './fixtures';
import { muteForTenMinutes, openPopup } from '../support/operator';

/**
 * One type scale in three languages: the same profile opened in English, Chinese and Japanese
 * (Chromium's --lang picks the catalogue). Text is never Chromium's 75 % default for extension
 * pages, labels and actions are never smaller than hints, and every popup tab fits the 600 px
 * Chrome gives a popup, at its fullest: a result with Undo, a custom duration, a question.
 */
const POPUP_MAX_HEIGHT = 600;

async function unlockPopup(popup: Page): Promise<void> {
  await popup.locator('input[type="password"]').fill(PASSPHRASE);
  await popup.locator('input[type="password"]').press('Enter');
  await popup.getByRole('tab').first().waitFor();
}

/** The popup's content height (the tab is taller than a popup; the body is not). */
function contentHeight(popup: Page): Promise<number> {
  return popup.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height));
}

function fontSize(popup: Page, selector: string): Promise<number> {
  return popup
    .locator(selector)
    .first()
    .evaluate((element) => parseFloat(getComputedStyle(element).fontSize));
}

/** Picks the last chip of the duration picker (Custom) and types a duration in `text`. */
async function customDuration(popup: Page, text: string): Promise<void> {
  await popup.locator('.duration-picker label.chip').last().click();
  await popup.locator('.duration-picker input:not([type])').fill(text);
}

test('every popup tab fits 600 px at a readable size in English, Chinese and Japanese', async ({
  launch,
}) => {
  const profileDir = mkdtempSync(path.join(tmpdir(), 'mute-console-languages-'));
  try {
    const first = await launch({ userDataDir: profileDir });
    await setUpDemoApp(first);
    for (const userId of ['spammer_01', 'alice']) await muteForTenMinutes(first, userId);
    // The registry of active mutes is written within a second of a mute.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await first.close();

    // Units typed in the language of each catalogue (the parser reads all three anyway).
    const custom = { en: '2h30m', 'zh-CN': '2小时30分钟', ja: '２時間３０分' };
    for (const language of ['en', 'zh-CN', 'ja'] as const) {
      const browser = await launch({ userDataDir: profileDir, language });
      const popup = await openPopup(browser);
      await unlockPopup(popup);
      expect(await popup.evaluate(() => document.documentElement.lang)).toBe(language);
      const tabs = popup.getByRole('tab');

      await popup.locator('#mute-user').fill('bob');
      await popup.locator('#mute-state[data-state="known"]').waitFor();
      const hint = await fontSize(popup, '.hint');
      expect(await fontSize(popup, 'body'), language).toBe(14);
      for (const selector of [
        'label[for="mute-user"]',
        '#mute-user',
        'button.primary',
        '.tabs [role="tab"]',
      ]) {
        expect(await fontSize(popup, selector), `${language} ${selector}`).toBeGreaterThanOrEqual(
          Math.max(hint, 14),
        );
      }

      // The PROD badge (本番, 生产) stays on one line inside its pill.
      const badge = await popup.locator('.badge.prod').evaluate((element) => ({
        height: element.getBoundingClientRect().height,
        line: parseFloat(getComputedStyle(element).lineHeight),
      }));
      expect(badge.height, `${language}: PROD badge`).toBeLessThan(2 * badge.line);

      // The Mute tab at its fullest: a custom duration, the result with Undo, the state.
      await customDuration(popup, custom[language]);
      await expect(popup.locator('#mute-expiry')).not.toHaveText('');
      await popup.locator('form button.primary').click();
      await popup.locator('.result-area .notice').waitFor();
      const heights: Record<string, number> = { mute: await contentHeight(popup) };
      // bob is muted for 2 h 30 min: a 10 min mute now asks whether to shorten it.
      await popup.locator('.duration-picker label.chip').first().click();
      await popup.locator('form button.primary').click();
      await popup.locator('[role="alertdialog"]').waitFor();
      heights.muteQuestion = await contentHeight(popup);

      await tabs.nth(1).click();
      await expect(popup.locator('.active-list li')).toHaveCount(3);
      heights.active = await contentHeight(popup);

      await tabs.nth(2).click();
      await customDuration(popup, custom[language]);
      heights.bulk = await contentHeight(popup);
      for (const [tab, height] of Object.entries(heights)) {
        expect(height, `${language}: the ${tab} tab`).toBeLessThanOrEqual(POPUP_MAX_HEIGHT);
      }
      await browser.close();
    }
  } finally {
    rmSync(profileDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
});
