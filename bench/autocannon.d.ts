/** The part of autocannon's API bench/serve.ts uses (the package ships no types; not worth a dependency). */
declare module "autocannon" {
  interface Percentiles {
    readonly average: number;
    readonly p50: number;
    readonly p99: number;
    readonly p99_9: number;
    /** Only in `requests`: how many were answered. */
    readonly total?: number;
  }
  interface Result {
    readonly requests: Percentiles;
    readonly latency: Percentiles;
    readonly errors: number;
    readonly non2xx: number;
  }
  interface Options {
    readonly url: string;
    readonly connections?: number;
    readonly duration?: number;
    readonly overallRate?: number;
    readonly requests?: readonly { readonly setupRequest?: (req: { path: string }) => { path: string } }[];
  }
  function autocannon(opts: Options): Promise<Result>;
  export default autocannon;
}
