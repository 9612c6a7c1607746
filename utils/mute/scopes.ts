import * as z from 'zod/mini';

/**
 * The two independent global-mute scopes: one-to-one (C2C) and group messages. The API keeps
 * them in separate fields; leaving one out leaves that scope unchanged.
 */
export const ScopesSchema = z
  .strictObject({ c2c: z.boolean(), group: z.boolean() })
  .check(z.refine((s) => s.c2c || s.group, 'choose at least one scope'));
export type Scopes = z.infer<typeof ScopesSchema>;

export const BOTH_SCOPES: Scopes = { c2c: true, group: true };

/** Per-scope API values for one duration: the scope not chosen is left out, not zeroed. */
export type ScopedSeconds = { c2c?: number; group?: number };

/** The per-scope values that apply `seconds` to the chosen scopes only. */
export function scopedSeconds(scopes: Scopes, seconds: number): ScopedSeconds {
  return {
    ...(scopes.c2c ? { c2c: seconds } : {}),
    ...(scopes.group ? { group: seconds } : {}),
  };
}
