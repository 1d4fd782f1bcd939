import type { Elem } from "./elem.ts";
import type { Emit } from "./operator.ts";

/** Emits several elements in order, staying synchronous until a downstream stage returns a promise. */
export const emitAll = (emit: Emit, items: readonly Elem[], from = 0): void | Promise<void> => {
  for (let i = from; i < items.length; i++) {
    const r = emit(items[i]!);
    if (r) return r.then(() => emitAll(emit, items, i + 1));
  }
};
