import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
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
