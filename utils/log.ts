/**
 * The one logger. Everything it prints passes through {@link redact}: registered secrets,
 * `usersig=` query values, anything shaped like a UserSig or a 64-hex key.
 */
let secretsInMemory: () => readonly string[] = () => [];

/** Tells the logger where the secrets currently in memory are (the unlocked vault's keys). */
export function setSecretSource(source: () => readonly string[]): void {
  secretsInMemory = source;
}

export function redact(text: string): string {
  let out = text;
  for (const secret of secretsInMemory()) {
    if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out
    .replace(/(usersig=)[^&\s"'<>]*/gi, '$1[redacted]')
    .replace(/eJ[A-Za-z0-9*\-_]{40,}/g, '[redacted-usersig]')
    .replace(/\b[0-9a-fA-F]{64}\b/g, '[redacted-key]');
}

function describe(detail: unknown): string {
  if (detail instanceof Error) return `${detail.name}: ${detail.message}`;
  if (typeof detail === 'string') return detail;
  try {
    return JSON.stringify(detail) ?? String(detail);
  } catch {
    return Object.prototype.toString.call(detail);
  }
}

export interface Logger {
  warn(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
}

/** A logger whose lines start with `[mute-console:<scope>]`. */
export function createLogger(scope: string): Logger {
  const line = (message: string, detail: unknown) =>
    redact(detail === undefined ? message : `${message}: ${describe(detail)}`);
  return {
    warn: (message, detail) => console.warn(`[mute-console:${scope}]`, line(message, detail)),
    error: (message, detail) => console.error(`[mute-console:${scope}]`, line(message, detail)),
  };
}
