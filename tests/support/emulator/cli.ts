import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as z from 'zod/mini';
import { DEMO_USERS, generatedUsers, seedApps } from '../demo-seed';
import { emulatedHosts, startEmulator, type EmulatorApp } from './server';

/**
 * `npm run emulator -- [--https-port 8443] [--http-port 8080] [--seed file.json]
 *                      [--users a,b,c] [--generate 1000]`
 * Starts the local Chat API emulator and prints how to point Chromium at it.
 */
const SeedSchema = z.object({
  apps: z.array(
    z.object({
      sdkAppId: z.int(),
      secretKey: z.string(),
      region: z.string(),
      admins: z.array(z.string()).check(z.minLength(1)),
    }),
  ),
  accounts: z._default(z.array(z.string()), []),
});

const { values } = parseArgs({
  options: {
    'https-port': { type: 'string', default: '8443' },
    'http-port': { type: 'string', default: '8080' },
    seed: { type: 'string' },
    users: { type: 'string' },
    generate: { type: 'string', default: '1000' },
    quiet: { type: 'boolean', default: false },
  },
});

let apps: EmulatorApp[] = seedApps();
let accounts: string[] = [...DEMO_USERS, ...generatedUsers(Number(values.generate))];
if (values.seed) {
  const seed = SeedSchema.parse(JSON.parse(readFileSync(values.seed, 'utf8')));
  apps = seed.apps;
  accounts = seed.accounts;
}
if (values.users) accounts.push(...values.users.split(',').filter(Boolean));

const emulator = await startEmulator({
  apps,
  accounts,
  httpsPort: Number(values['https-port']),
  httpPort: Number(values['http-port']),
});

console.log(`Chat API emulator
  HTTPS ${emulator.httpsUrl}   (region hosts map here)
  HTTP  ${emulator.httpUrl}    (a custom endpoint for the loopback build)
Apps:`);
for (const app of apps) {
  console.log(
    `  ${app.sdkAppId}  region ${app.region}  admins ${app.admins.join(', ')}  key ${app.secretKey}`,
  );
}
console.log(`Accounts: ${accounts.length} (${accounts.slice(0, 6).join(', ')}${accounts.length > 6 ? ', …' : ''})
Point Chromium at it with:
  --ignore-certificate-errors --host-resolver-rules="${emulatedHosts()
    .map((h) => `MAP ${h} 127.0.0.1:${emulator.httpsPort}`)
    .join(', ')}"
Ctrl-C stops it.`);

if (!values.quiet) {
  let shown = 0;
  setInterval(() => {
    for (const r of emulator.requests.slice(shown)) {
      const body = r.body as Record<string, unknown> | undefined;
      const who = JSON.stringify(body?.Set_Account ?? body?.Get_Account ?? '');
      console.log(
        `${new Date(r.at).toISOString()} ${r.host} ${r.command} ${who} → ${r.errorCode ?? r.httpStatus}`,
      );
    }
    shown = emulator.requests.length;
  }, 500).unref();
}

process.on('SIGINT', () => {
  void emulator.close().then(() => process.exit(0));
});
