/**
 * Answers already computed, kept with the stored text they were computed
 * from. A served answer is a pure function of a key's stored rows and the
 * request's parameters when the request stages are (filter, map,
 * filterItems, limit: compiled expressions, no clock, no randomness): so an
 * answer computed once can be sent again for as long as the store holds the
 * same text for that key. Every request still reads the key's text from the
 * current store snapshot and compares it with the text the answer was made
 * from, so a cached answer is never staler than an uncached one — the cache
 * only saves parsing the rows, running the stages and writing JSON again.
 *
 * Bounded by the characters it holds (texts, answers and ids), least
 * recently used out first.
 *
 * @module
 */

/** A bounded map from an answer's identity to the answer, valid while the stored text is the same. */
export interface AnswerCache {
  /** The answer kept for `id` if it was made from exactly `stored`, else undefined (and a stale one is dropped). */
  get(id: string, stored: string): string | undefined;
  /** Keeps `answer`, made from `stored`, for `id`; one larger than the whole bound is not kept. */
  set(id: string, stored: string, answer: string): void;
  /** Characters held now. */
  size(): number;
}

interface Entry {
  readonly stored: string;
  readonly answer: string;
  readonly chars: number;
}

/** An {@link AnswerCache} holding at most `maxChars` characters (0: keeps nothing). */
export const answerCache = (maxChars: number): AnswerCache => {
  // A Map iterates in insertion order: re-inserting on a hit keeps the least recently used first.
  const entries = new Map<string, Entry>();
  let held = 0;
  const drop = (id: string, e: Entry) => {
    entries.delete(id);
    held -= e.chars;
  };
  return {
    get: (id, stored) => {
      const e = entries.get(id);
      if (e === undefined) return undefined;
      if (e.stored !== stored) {
        drop(id, e);
        return undefined;
      }
      entries.delete(id);
      entries.set(id, e);
      return e.answer;
    },
    set: (id, stored, answer) => {
      const chars = id.length + stored.length + answer.length;
      const old = entries.get(id);
      if (old !== undefined) drop(id, old);
      if (chars > maxChars) return;
      while (held + chars > maxChars) {
        const [oldest, e] = entries.entries().next().value as [string, Entry];
        drop(oldest, e);
      }
      entries.set(id, { stored, answer, chars });
      held += chars;
    },
    size: () => held,
  };
};
