/** Types of bin/cli-build.js (plain JavaScript, so that bin/b2a.js can load it before tsx). */

/** Where the build goes by default: dist/ under the repository root. */
export declare const DEFAULT_OUT_DIR: string;

/**
 * Bundles cli/main.ts into `outDir` and lists the sources it was built from.
 * @returns false when esbuild is not installed
 */
export declare function buildCli(outDir?: string): Promise<boolean>;

/** The compiled CLI's entry if no source of it changed since the build, else undefined. */
export declare function freshCli(outDir?: string): URL | undefined;
