import { describe, expect, it } from 'vitest';
import {
  MAX_PROTECTED_IDS,
  NO_POLICY,
  NO_POLICY_VIEW,
  hostMatches,
  policySecrets,
  protectedBy,
  readPolicy,
  sitePermitted,
} from '../../../../utils/policy/policy';
import {
  decide,
  policyRefusal,
  presetsWithin,
  refusalWords,
} from '../../../../utils/mute/decision';
import { PERMANENT_SECONDS } from '../../../../utils/mute/durations';
import { applyPolicy, DEFAULT_SETTINGS } from '../../../../utils/settings';

const APP = {
  label: 'Team community',
  sdkAppId: 1400187352,
  endpoint: { kind: 'region', region: 'singapore' },
  environment: 'production',
  adminAccount: 'administrator',
};

describe('readPolicy', () => {
  it('reads no policy (nothing managed, an empty object, not an object) as none', () => {
    for (const raw of [undefined, null, {}, [], 'policy'])
      expect(readPolicy(raw)).toEqual(NO_POLICY_VIEW);
  });

  it('takes every rule of a well-formed policy, with no warning', () => {
    const view = readPolicy({
      version: 1,
      enforced: ['protectedIds'],
      apps: [APP],
      longestMuteSeconds: 86400,
      allowPermanentMutes: false,
      confirmProduction: true,
      longestAutoLockMinutes: 5,
      allowBackupExport: false,
      protectedIds: ['staff_*', 'bot-*', 'alice'],
      allowedSites: ['*.corp.example'],
      blockedSites: ['console.trtc.io'],
      moderatorName: 'mod-night-1',
      auditDestination: { format: 'slack', url: 'https://hooks.slack.com/services/T0/B0/x' },
    });
    expect(view).toEqual({
      managed: true,
      setKeys: [
        'apps',
        'longestMuteSeconds',
        'allowPermanentMutes',
        'confirmProduction',
        'longestAutoLockMinutes',
        'allowBackupExport',
        'protectedIds',
        'allowedSites',
        'blockedSites',
        'moderatorName',
        'auditDestination',
      ],
      rules: {
        apps: [APP],
        longestMuteSeconds: 86400,
        allowPermanentMutes: false,
        confirmProduction: true,
        longestAutoLockMinutes: 5,
        allowBackupExport: false,
        protectedIds: ['staff_*', 'bot-*', 'alice'],
        allowedSites: ['*.corp.example'],
        blockedSites: ['console.trtc.io'],
        moderatorName: 'mod-night-1',
        auditDestination: { format: 'slack', url: 'https://hooks.slack.com/services/T0/B0/x' },
      },
      warnings: [],
    });
  });

  it('gives an enforced rule that is missing its strictest value, and says so', () => {
    const view = readPolicy({
      version: 1,
      enforced: [
        'longestMuteSeconds',
        'allowPermanentMutes',
        'confirmProduction',
        'longestAutoLockMinutes',
        'allowBackupExport',
        'protectedIds',
        'allowedSites',
        'blockedSites',
      ],
    });
    expect(view.rules).toEqual({
      apps: [],
      longestMuteSeconds: 60,
      allowPermanentMutes: false,
      confirmProduction: true,
      longestAutoLockMinutes: 1,
      allowBackupExport: false,
      protectedIds: 'all',
      allowedSites: [],
      blockedSites: ['*'],
      moderatorName: null,
      auditDestination: null,
    });
    expect(view.warnings.map((w) => `${w.kind}:${w.key}`)).toEqual([
      'missing:longestMuteSeconds',
      'missing:allowPermanentMutes',
      'missing:confirmProduction',
      'missing:longestAutoLockMinutes',
      'missing:allowBackupExport',
      'missing:protectedIds',
      'missing:allowedSites',
      'missing:blockedSites',
    ]);
    // With every ID protected, no mute is allowed; an unmute still is.
    expect(policyRefusal('anyone', 600, view.rules)).toBe('protected-id');
    expect(policyRefusal('anyone', 0, view.rules)).toBeNull();
  });

  it('gives a rule that is present but of the wrong shape its strictest value, enforced or not', () => {
    const view = readPolicy({
      version: 1,
      longestMuteSeconds: '1 day',
      allowBackupExport: 'no',
      protectedIds: Array.from({ length: MAX_PROTECTED_IDS + 1 }, (_, i) => `staff_${i}`),
      apps: [{ ...APP, secretKey: 'never here' }],
    });
    expect(view.rules.longestMuteSeconds).toBe(60);
    expect(view.rules.allowBackupExport).toBe(false);
    expect(view.rules.protectedIds).toBe('all');
    // An app with a field that is not allowed (a secret) is refused, not half-taken.
    expect(view.rules.apps).toEqual([]);
    expect(view.warnings.map((w) => `${w.kind}:${w.key}`)).toEqual([
      'unreadable:apps',
      'unreadable:longestMuteSeconds',
      'unreadable:allowBackupExport',
      'unreadable:protectedIds',
    ]);
  });

  it('reads a delivery destination over plain http as set but unreadable: none is in force', () => {
    const view = readPolicy({
      version: 1,
      auditDestination: { format: 'json', url: 'http://collector.corp.example/audit' },
    });
    expect(view.setKeys).toContain('auditDestination');
    expect(view.rules.auditDestination).toBeNull();
    expect(view.warnings).toEqual([{ kind: 'unreadable', key: 'auditDestination' }]);
  });

  it('gives pages a policy destination as its host only: the webhook URL is a secret', () => {
    const url = 'https://hooks.slack.com/services/T0/B0/SECRETTOKEN';
    const view = readPolicy({ version: 1, auditDestination: { format: 'slack', url } });
    const settings = applyPolicy(DEFAULT_SETTINGS, view);
    expect(settings.policy.rules.auditDestination).toEqual({
      format: 'slack',
      url: 'https://hooks.slack.com/',
    });
    expect(JSON.stringify(settings)).not.toContain('SECRETTOKEN');
    expect(policySecrets(view)).toEqual([url]);
  });

  it('warns about unknown keys, an unknown version and a pattern that would match every ID', () => {
    const view = readPolicy({
      version: 2,
      enforced: ['maxMute'],
      permanent: false,
      protectedIds: ['*', '**', 'staff_*'],
    });
    expect(view.warnings).toEqual([
      { kind: 'version', key: '2' },
      { kind: 'unknown-key', key: 'permanent' },
      { kind: 'unknown-key', key: 'maxMute' },
      { kind: 'matches-every-id', key: '*' },
      { kind: 'matches-every-id', key: '**' },
    ]);
    expect(view.rules).toEqual({ ...NO_POLICY, protectedIds: ['staff_*'] });
  });
});

describe('protectedBy', () => {
  it('matches exact IDs and * patterns anywhere in the ID, and nothing else', () => {
    const list = ['alice', 'staff_*', '*-bot', 'a*z'];
    expect(protectedBy('alice', list)).toBe('alice');
    expect(protectedBy('alice2', list)).toBeNull();
    expect(protectedBy('staff_', list)).toBe('staff_*');
    expect(protectedBy('staff_42', list)).toBe('staff_*');
    expect(protectedBy('xstaff_42', list)).toBeNull();
    expect(protectedBy('news-bot', list)).toBe('*-bot');
    expect(protectedBy('abcz', list)).toBe('a*z');
    expect(protectedBy('abczq', list)).toBeNull();
    // Regex characters in a pattern are literal.
    expect(protectedBy('a.b', ['a.b'])).toBe('a.b');
    expect(protectedBy('axb', ['a.*'])).toBeNull();
    expect(protectedBy('anyone', 'all')).toBe('all');
  });
});

describe('site rules', () => {
  it('match hosts as match patterns do, and keep blocked pages and unlisted sites out', () => {
    expect(hostMatches('*.corp.example', 'corp.example')).toBe(true);
    expect(hostMatches('*.corp.example', 'mod.corp.example')).toBe(true);
    expect(hostMatches('*.corp.example', 'evilcorp.example')).toBe(false);
    expect(hostMatches('Admin.Example.com', 'admin.example.com')).toBe(true);
    expect(hostMatches('*', 'anything.example')).toBe(true);
    const rules = { allowedSites: ['*.corp.example'], blockedSites: ['console.trtc.io'] };
    const site = (pattern: string, builtIn = false) => ({ pattern, builtIn });
    expect(sitePermitted(site('https://mod.corp.example/*'), rules)).toBe(true);
    expect(sitePermitted(site('https://*.corp.example/*'), rules)).toBe(true);
    expect(sitePermitted(site('https://*/*'), rules)).toBe(false);
    expect(sitePermitted(site('https://admin.other.example/*'), rules)).toBe(false);
    // Built-in console sites answer to the blocked list only.
    expect(sitePermitted(site('https://console.tencentcloud.com/*', true), rules)).toBe(true);
    expect(sitePermitted(site('https://console.trtc.io/*', true), rules)).toBe(false);
    // A host pattern that is not one makes the whole list unreadable: strictest (nothing allowed).
    expect(
      readPolicy({ version: 1, allowedSites: ['https://x.example/*'] }).rules.allowedSites,
    ).toEqual([]);
  });
});

describe('the one decision with a policy', () => {
  const rules = readPolicy({
    version: 1,
    protectedIds: ['staff_*'],
    longestMuteSeconds: 86400,
    allowPermanentMutes: false,
  }).rules;
  const decision = (userId: string, seconds: number, action: 'mute' | 'unmute' = 'mute') =>
    decide({
      userId,
      request: { action, scopes: { c2c: true, group: true }, seconds },
      state: null,
      app: { environment: 'test', adminAccount: 'administrator' },
      rules: { confirmProduction: false, policy: { rules } },
      now: 0,
    });

  it('refuses a protected ID, a permanent mute and a longer one; an unmute goes through', () => {
    expect(decision('staff_1', 600)).toEqual({ kind: 'refuse', reason: 'protected-id' });
    expect(decision('bob', PERMANENT_SECONDS)).toEqual({
      kind: 'refuse',
      reason: 'permanent-not-allowed',
    });
    expect(decision('bob', 86401)).toEqual({ kind: 'refuse', reason: 'longer-than-allowed' });
    expect(decision('bob', 86400)).toEqual({ kind: 'act' });
    expect(decision('staff_1', 0, 'unmute')).toEqual({ kind: 'act' });
  });

  it('offers only the presets within the limits', () => {
    const presets = [
      { id: '10m', seconds: 600 },
      { id: '1d', seconds: 86400 },
      { id: '7d', seconds: 604800 },
      { id: 'permanent', seconds: PERMANENT_SECONDS },
    ];
    expect(presetsWithin(presets, rules).map((p) => p.id)).toEqual(['10m', '1d']);
    expect(presetsWithin(presets, NO_POLICY)).toEqual(presets);
  });

  it('counts a permanent mute as longer than any limit, even where permanent mutes are allowed', () => {
    const limited = { ...NO_POLICY, longestMuteSeconds: 3600 };
    expect(policyRefusal('bob', PERMANENT_SECONDS, limited)).toBe('longer-than-allowed');
    expect(policyRefusal('bob', PERMANENT_SECONDS, NO_POLICY)).toBeNull();
  });

  it('says why in words, with the limit', () => {
    expect(refusalWords('protected-id', rules.longestMuteSeconds)).toBe(
      'Your organisation protects this ID: Mute Console will not mute it.',
    );
    expect(refusalWords('longer-than-allowed', rules.longestMuteSeconds)).toBe(
      'Your organisation allows mutes of at most 1 day: choose a shorter duration.',
    );
  });
});

describe('applyPolicy', () => {
  it('shortens the auto-lock and turns production confirmation on, keeping the stored values', () => {
    const policy = readPolicy({ version: 1, longestAutoLockMinutes: 10, confirmProduction: true });
    const stored = { ...DEFAULT_SETTINGS, autoLockMinutes: 60, confirmProduction: false };
    const effective = applyPolicy(stored, policy);
    expect(effective).toMatchObject({ autoLockMinutes: 10, confirmProduction: true, policy });
    expect(stored).toMatchObject({ autoLockMinutes: 60, confirmProduction: false });
    // "Only when the browser closes" is longer than any limit; a shorter choice stays.
    expect(applyPolicy({ ...stored, autoLockMinutes: null }, policy).autoLockMinutes).toBe(10);
    expect(applyPolicy({ ...stored, autoLockMinutes: 5 }, policy).autoLockMinutes).toBe(5);
    // A moderator name the policy sets wins; one it meant to set and could not leaves none.
    const named = { ...stored, moderatorName: 'me' };
    expect(applyPolicy(named, policy).moderatorName).toBe('me');
    expect(
      applyPolicy(named, readPolicy({ version: 1, moderatorName: 'mod-night-1' })).moderatorName,
    ).toBe('mod-night-1');
    expect(
      applyPolicy(named, readPolicy({ version: 1, enforced: ['moderatorName'] })).moderatorName,
    ).toBeNull();
    // Without a policy nothing changes.
    expect(applyPolicy(stored, NO_POLICY_VIEW)).toEqual({ ...stored, policy: NO_POLICY_VIEW });
  });
});
