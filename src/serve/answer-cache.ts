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
 * Texts and answers are UTF-8 bytes, as the store holds them and the
 * server writes them: a hit is one byte comparison and no encoding. Bounded
 * by the bytes it holds (stored texts, answers, and ids counted by their
 * length), least recently used out first.
 *
 * @module
 */

/** A bounded map from an answer's identity to the answer, valid while the stored text is the same. */
export interface AnswerCache {
  /** The answer kept for `id` if it was made from exactly the bytes `stored`, else undefined (and a stale one is dropped). */
  get(id: string, stored: Uint8Array): Uint8Array | undefined;
  /**
   * Keeps `answer`, made from `stored`, for `id`; one larger than the whole bound is not kept. Both
   * are kept as given (not copied): pass bytes nobody changes afterwards.
   */
  set(id: string, stored: Uint8Array, answer: Uint8Array): void;
  /** Bytes held now. */
  size(): number;
}

interface Entry {
  readonly stored: Uint8Array;
  readonly answer: Uint8Array;
  readonly bytes: number;
}

/** An {@link AnswerCache} holding at most `maxBytes` bytes (0: keeps nothing). */
export const answerCache = (maxBytes: number): AnswerCache => {
  // A Map iterates in insertion order: re-inserting on a hit keeps the least recently used first.
  const entries = new Map<string, Entry>();
  let held = 0;
  const drop = (id: string, e: Entry) => {
    entries.delete(id);
    held -= e.bytes;
  };
  return {
    get: (id, stored) => {
      const e = entries.get(id);
      if (e === undefined) return undefined;
      if (Buffer.compare(e.stored, stored) !== 0) {
        drop(id, e);
        return undefined;
      }
      entries.delete(id);
      entries.set(id, e);
      return e.answer;
    },
    set: (id, stored, answer) => {
      const bytes = id.length + stored.byteLength + answer.byteLength;
      const old = entries.get(id);
      if (old !== undefined) drop(id, old);
      if (bytes > maxBytes) return;
      while (held + bytes > maxBytes) {
        const [oldest, e] = entries.entries().next().value as [string, Entry];
        drop(oldest, e);
      }
      entries.set(id, { stored, answer, bytes });
      held += bytes;
    },
    size: () => held,
  };
};
