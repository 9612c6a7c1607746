import * as z from 'zod/mini';

/** Longest UserID the Chat service accepts, in UTF-8 bytes (chat-api.md §5). */
export const MAX_USER_ID_BYTES = 32;

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/**
 * A clean UserID as it crosses a boundary: 1–32 bytes of printable ASCII. ASCII is one byte
 * per character in UTF-8, so the length in characters is the length in bytes (no encoding
 * per ID: a page of 10,000 IDs checks each of them).
 */
export const UserIdSchema = z
  .string()
  .check(z.minLength(1), z.maxLength(MAX_USER_ID_BYTES), z.regex(PRINTABLE_ASCII));

export type UserIdProblem = 'empty' | 'too-long' | 'invalid-characters';

export type UserIdResult = { ok: true; userId: string } | { ok: false; problem: UserIdProblem };

// What a text selection tends to drag along: quotes of several scripts, brackets, @-mentions,
// and the separator after a name in a log line ("bob: hi", "alice, bob"). A trailing "." or
// "!" is kept: stripping it could turn one real ID into another.
const EDGE_JUNK = /^[\s"'`“”‘’«»「」『』()[\]<>@＠]+|[\s"'`“”‘’«»「」『』()[\]<>,;:，；：。]+$/gu;

/** Strips what a selection adds around an ID: white space, quotes, brackets, a leading `@`. */
export function cleanUserId(raw: string): string {
  let previous: string;
  let text = raw;
  do {
    previous = text;
    text = text.replace(EDGE_JUNK, '');
  } while (text !== previous);
  return text;
}

/**
 * Cleans and validates a UserID: 1–32 bytes of printable ASCII (0x20–0x7E), the set the
 * Chat SDK tolerates. Anything else gets a problem the UI can explain.
 */
export function parseUserId(raw: string): UserIdResult {
  const userId = cleanUserId(raw);
  if (userId.length === 0) return { ok: false, problem: 'empty' };
  if (!PRINTABLE_ASCII.test(userId)) return { ok: false, problem: 'invalid-characters' };
  // Printable ASCII: characters are bytes.
  if (userId.length > MAX_USER_ID_BYTES) return { ok: false, problem: 'too-long' };
  return { ok: true, userId };
}

/**
 * Splits a pasted list of IDs. A list on several lines is one ID per line: an ID may contain
 * spaces and commas ("john smith" is one user, and muting "john" and "smith" would hit two
 * others). A list on one line is split on commas, semicolons and white space.
 */
export function splitUserIdList(text: string): string[] {
  const parts = /[\r\n]/.test(text.trim()) ? text.split(/\r\n|\r|\n/) : text.split(/[\s,;，、]+/u);
  return parts.map((part) => part.trim()).filter((part) => part.length > 0);
}
