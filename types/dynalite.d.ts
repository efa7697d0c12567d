/** Types for dynalite 4 (a DynamoDB-API server on LevelDB), which ships no declarations. */
declare module 'dynalite' {
  import type { Server } from 'node:http';

  /** Options accepted by `dynalite()`; the `*Ms` values are how long tables stay in a transitional state. */
  export interface DynaliteOptions {
    readonly path?: string;
    readonly createTableMs?: number;
    readonly deleteTableMs?: number;
    readonly updateTableMs?: number;
    readonly maxItemSizeKb?: number;
    readonly verbose?: boolean;
    readonly debug?: boolean;
    readonly ssl?: boolean;
  }

  /** Creates an HTTP server (not yet listening) that answers the DynamoDB JSON API, in memory unless `path` is set. */
  export default function dynalite(options?: DynaliteOptions): Server;
}
