import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPAIRABLE_PARTS, STORED } from '../../../../utils/storage/keys';

const REGISTRY = path.normalize('utils/storage/keys.ts');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return /\.(ts|tsx)$/.test(name) ? [full] : [];
  });
}

describe('stored keys', () => {
  it('are each declared once, in the registry, and no storage call names one itself', () => {
    const keys = Object.values(STORED).map((entry) => entry.key);
    expect(new Set(keys).size).toBe(keys.length);
    const named: string[] = [];
    for (const file of ['entrypoints', 'utils', 'components'].flatMap(sources)) {
      if (path.normalize(file) === REGISTRY) continue;
      // Code only: comments may name keys.
      const code = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      for (const key of keys) {
        const k = key.replace('.', '\\.');
        const q = `['"\`]`;
        const uses = [
          // storage.*.get('key') / remove(['key', …]) / set({ key: … })
          new RegExp(`\\.(?:get|remove)\\(\\s*\\[?\\s*${q}${k}`),
          new RegExp(`\\.set\\(\\{\\s*(?:${q})?${k}(?:${q})?\\s*:`),
          // a change event: 'key' in changes, changes.key, changes['key']
          new RegExp(`${q}${k}${q}\\s+in\\s+changes`),
          new RegExp(`changes(?:\\.|\\[${q})${k}\\b`),
          // a WXT item: defineItem('local:key')
          new RegExp(`defineItem(?:<[^>]*>)?\\(\\s*${q}(?:local|session):${k}`),
        ];
        if (uses.some((use) => use.test(code))) named.push(`${file}: ${key}`);
      }
    }
    expect(named).toEqual([]);
  });

  it('each has one writer, in the background worker', () => {
    for (const [part, entry] of Object.entries(STORED))
      expect(entry.writer, part).toMatch(/^background\//);
  });

  it('the parts the options page can reset are marked so in the registry', () => {
    expect(
      Object.entries(STORED)
        .filter(([, entry]) => 'repairable' in entry && entry.repairable)
        .map(([part]) => part)
        .sort(),
    ).toEqual([...REPAIRABLE_PARTS].sort());
  });
});
