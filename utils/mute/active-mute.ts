import * as z from 'zod/mini';
import { SourceSchema } from '../audit/entry';
import { PERMANENT_SECONDS } from './durations';
import { MuteStateSchema, SCOPE_NAMES, isMuted, remainingSeconds, type MuteState } from './state';

/**
 * One entry of the extension's own registry of mutes it applied (Tencent cannot list muted
 * users). Kept while any scope is still muted.
 */
export const ActiveMuteSchema = z.strictObject({
  profileId: z.string().check(z.maxLength(64)),
  sdkAppId: z.int(),
  userId: z.string().check(z.maxLength(64)),
  state: MuteStateSchema,
  reason: z.string().check(z.maxLength(200)),
  appliedAt: z.number(),
  source: SourceSchema,
  /** Set by a refresh when the real state no longer matches what we applied. */
  changedElsewhere: z.boolean(),
  /** When the real state was last read back. */
  checkedAt: z.nullable(z.number()),
});
export type ActiveMute = z.infer<typeof ActiveMuteSchema>;

export function activeMuteKey(profileId: string, userId: string): string {
  return `${profileId}\u0000${userId}`;
}

/** The entries still muted at `nowMs`. */
export function stillActive(entries: readonly ActiveMute[], nowMs: number): ActiveMute[] {
  return entries.filter((e) => isMuted(e.state, nowMs));
}

/** True when two states differ by more than clock noise (within 5 s counts as the same). */
export function differs(a: MuteState, b: MuteState, nowMs: number): boolean {
  return SCOPE_NAMES.some((scope) => {
    const left = remainingSeconds(a[scope], nowMs);
    const right = remainingSeconds(b[scope], nowMs);
    if (left === PERMANENT_SECONDS || right === PERMANENT_SECONDS) return left !== right;
    return Math.abs(left - right) > 5;
  });
}
