import type { EmulatorApp } from './emulator/server';

/**
 * The demo app and users: what `npm run emulator` and `npm run demo` start with. The secret
 * key is public test data; it opens nothing but the local emulator.
 */
export const DEMO_APP = {
  label: 'Demo community',
  sdkAppId: 1400187352,
  region: 'singapore',
  adminAccount: 'administrator',
  secretKey: '8c1d2f2b6f0a4e6b9a3c5d7e9f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c',
} as const;

/** A second app in another data centre, for wrong-region and multi-app flows. */
export const SECOND_APP = {
  label: 'Game servers (Frankfurt)',
  sdkAppId: 1400299871,
  region: 'frankfurt',
  adminAccount: 'administrator',
  secretKey: 'f4e3d2c1b0a99887766554433221100ffeeddccbbaa99887766554433221100f',
} as const;

export const DEMO_PASSPHRASE = 'correct horse battery staple';

export const DEMO_USERS = [
  'alice',
  'bob',
  'carol',
  'dave',
  'erin',
  'frank',
  'spammer_01',
  'spammer_02',
  'spammer_03',
  'troll-42',
];

/** `user_0001` … : many accounts for bulk runs. */
export function generatedUsers(count: number, prefix = 'user_'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i + 1).padStart(4, '0')}`);
}

export function seedApps(): EmulatorApp[] {
  return [DEMO_APP, SECOND_APP].map((app) => ({
    sdkAppId: app.sdkAppId,
    secretKey: app.secretKey,
    region: app.region,
    admins: [app.adminAccount, 'ops_admin'],
  }));
}
