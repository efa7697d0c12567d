/**
 * Options every `b2a` command accepts, resolved flag › environment variable › default.
 * Commands read them with `command.optsWithGlobals<GlobalOptions>()`.
 */
export interface GlobalOptions {
  /** `local`, `dev`, `demo` or `prod`. @default B2A_ENV, else `local` */
  readonly env: string;
  /** AWS profile for the standard provider chain (profiles, SSO, env vars). */
  readonly profile?: string;
  readonly region?: string;
  /** Print JSON for scripts: no colours, no spinners. */
  readonly json: boolean;
  /** The local runtime's data directory. @default B2A_DATA_DIR, else `.b2a` */
  readonly dataDir: string;
}
