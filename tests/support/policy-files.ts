import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The browsers' enterprise policy files, which hand an extension its managed storage. Both are
 * machine-wide, so the tests that write them run on their own and remove them after.
 *
 * Chromium's enterprise policy on Linux: JSON files in this folder, read at start (and watched
 * while it runs). Every Chromium on the machine reads them, so the policy tests run after the
 * others (their own Playwright config) and remove their files before and after.
 */
export const POLICY_DIR = '/etc/chromium/policies/managed';
const OUR_FILES = 'mute-console-e2e-';

/** The ID Chromium gives an unpacked extension: its absolute path's SHA-256, in letters a–p. */
export function unpackedExtensionId(dir: string): string {
  return [...createHash('sha256').update(path.resolve(dir)).digest('hex').slice(0, 32)]
    .map((c) => String.fromCharCode(97 + parseInt(c, 16)))
    .join('');
}

/** Removes every policy file these tests wrote (a crashed run's too). */
export function removeTestPolicies(): void {
  let names: string[];
  try {
    names = readdirSync(POLICY_DIR);
  } catch {
    return;
  }
  for (const name of names)
    if (name.startsWith(OUR_FILES)) rmSync(path.join(POLICY_DIR, name), { force: true });
}

/**
 * Writes `policy` as the extension's managed storage (`3rdparty` → `extensions` → its ID).
 * Returns why it could not (not root, a read-only /etc), or null once written.
 */
export function writeTestPolicy(
  extensionId: string,
  policy: Record<string, unknown>,
): string | null {
  removeTestPolicies();
  try {
    mkdirSync(POLICY_DIR, { recursive: true });
    writeFileSync(
      path.join(POLICY_DIR, `${OUR_FILES}${process.pid}.json`),
      JSON.stringify({ '3rdparty': { extensions: { [extensionId]: policy } } }),
    );
    return null;
  } catch (error) {
    return `cannot write Chromium's policy folder ${POLICY_DIR} (${String(error)})`;
  }
}

/**
 * Firefox reads `policies.json` in its installation's `distribution` folder at start (Debian's
 * firefox-esr: /usr/lib/firefox-esr/distribution, a link to /usr/share/firefox-esr/distribution).
 * A marker beside it says the file is ours: one that is not is never touched.
 */
export const FIREFOX_POLICIES = '/usr/lib/firefox-esr/distribution/policies.json';
const FIREFOX_MARKER = `${FIREFOX_POLICIES}.mute-console-e2e`;

/** Removes the policies.json these tests wrote (a crashed run's too); any other stays. */
export function removeFirefoxTestPolicy(): void {
  if (!existsSync(FIREFOX_MARKER)) return;
  rmSync(FIREFOX_POLICIES, { force: true });
  rmSync(FIREFOX_MARKER, { force: true });
}

/**
 * Writes `policy` as the add-on's managed storage (`3rdparty` → `Extensions` → its ID).
 * Returns why it could not (a policies.json that is not ours, no write access), or null.
 */
export function writeFirefoxTestPolicy(
  addonId: string,
  policy: Record<string, unknown>,
): string | null {
  removeFirefoxTestPolicy();
  if (existsSync(FIREFOX_POLICIES)) return `${FIREFOX_POLICIES} exists and is not this test's`;
  try {
    writeFileSync(FIREFOX_MARKER, '');
    writeFileSync(
      FIREFOX_POLICIES,
      JSON.stringify({ policies: { '3rdparty': { Extensions: { [addonId]: policy } } } }),
    );
    return null;
  } catch (error) {
    removeFirefoxTestPolicy();
    return `cannot write Firefox's policies.json at ${FIREFOX_POLICIES} (${String(error)})`;
  }
}
