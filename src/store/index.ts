/**
 * The view store: the final view of a sink by output key, in LMDB, shared by
 * batch runs (snapshots), streaming writers (panes with offsets) and serving.
 *
 * @module
 */
export { openViewStore, STORE_FORMAT, storeExists } from "./view-store.ts";
export type {
  OpenViewStoreOptions,
  OutputKey,
  Pane,
  SinkOffsets,
  SinkRecord,
  StoreIdentity,
  StoreInfo,
  ViewEntry,
  ViewReader,
  ViewReads,
  ViewStore,
} from "./view-store.ts";
export { keyOfRow, outputKeyFields, viewEntriesOf } from "./output-key.ts";
export { recordsBehind } from "./lag.ts";
export { StoreError } from "./store-error.ts";
