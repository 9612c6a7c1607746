import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export { peakPerSecond } from '../support/emulator/peak-rate';

export interface RemoteRequest {
  at: number;
  command: string;
  errorCode: number | null;
  sdkAppId: number | null;
  /** TLS.time of the UserSig it carried: distinct values are distinct mints. */
  time: number | null;
}

/**
 * The Chat API emulator in its own process, for the benchmarks: arrival times are then not
 * delayed by this process's own work (driving the browser, garbage collection), which would
 * bunch arrivals together and misreport the rate the server sees.
 */
export class RemoteEmulator {
  private constructor(
    private readonly child: ChildProcess,
    readonly httpsPort: number,
    private readonly httpUrl: string,
  ) {}

  static async start(): Promise<RemoteEmulator> {
    const tsx = path.resolve('node_modules/.bin/tsx');
    const child = spawn(
      tsx,
      ['tests/support/emulator/cli.ts', '--https-port', '0', '--http-port', '0', '--quiet'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`emulator exited (${code})`)));
      child.stdout?.on('data', (chunk: Buffer) => {
        output += String(chunk);
        if (output.includes('Ctrl-C')) resolve();
      });
    });
    const https = /HTTPS https:\/\/127\.0\.0\.1:(\d+)/.exec(output);
    const http = /HTTP {2}(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
    if (!https || !http) throw new Error(`unexpected emulator output:\n${output}`);
    return new RemoteEmulator(child, Number(https[1]), http[1] as string);
  }

  async requests(since = 0): Promise<RemoteRequest[]> {
    return (await (
      await fetch(`${this.httpUrl}/__emulator/requests?since=${since}`)
    ).json()) as RemoteRequest[];
  }

  /** Forgets logged requests, mutes and faults. */
  async reset(): Promise<void> {
    await fetch(`${this.httpUrl}/__emulator/reset`, { method: 'POST' });
  }

  close(): void {
    this.child.kill('SIGINT');
  }
}

/** ms from `act` starting to the emulator receiving the next setnospeaking (NaN: none in 2 s). */
export async function timeRequest(
  emulator: RemoteEmulator,
  act: () => Promise<void>,
): Promise<number> {
  const before = (await emulator.requests()).length;
  const t0 = Date.now();
  await act();
  for (let i = 0; i < 200; i++) {
    const hit = (await emulator.requests(before)).find((r) => r.command === 'setnospeaking');
    if (hit) return hit.at - t0;
    await new Promise((r) => setTimeout(r, 10));
  }
  return NaN;
}
