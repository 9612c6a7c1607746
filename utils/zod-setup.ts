import * as z from 'zod/mini';

/**
 * Every entrypoint calls this first. Extension pages forbid eval, so zod's compiled fast
 * path can never run; jitless also stops zod probing `new Function`, which would log a CSP
 * violation on each start.
 */
export function configureZod(): void {
  z.config({ jitless: true });
}
