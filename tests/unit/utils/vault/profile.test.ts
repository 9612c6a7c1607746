import { describe, expect, it } from 'vitest';
import { chooseApp } from '../../../../utils/vault/profile';

const apps = [{ id: 'demo' }, { id: 'prod' }, { id: 'staging' }];

describe('which app an action lands on', () => {
  it.each([
    ['the first preferred app that exists', ['gone', 'staging', 'prod'], 'prod', 'staging'],
    ['the default app when no preferred one exists', ['gone', null, undefined], 'prod', 'prod'],
    ['the default app when none is preferred', [], 'prod', 'prod'],
    ['the first app when the default is gone', [], 'gone', 'demo'],
    ['the first app when there is no default', [], null, 'demo'],
  ] as const)('%s', (_name, preferred, defaultId, expected) => {
    expect(chooseApp(apps, defaultId, ...preferred)?.id).toBe(expected);
  });

  it('nothing when there are no apps', () => {
    expect(chooseApp([], 'prod', 'prod')).toBeUndefined();
  });
});
