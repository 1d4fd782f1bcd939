/**
 * The running-totals fixture (test/runners/kafka/fixtures.ts) as a module whose default export is the
 * pipeline, for tests that run it through the `lockstep` command line.
 */
import { runningTotals } from "../fixtures.ts";

export default runningTotals;
