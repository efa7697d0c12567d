/**
 * Picks the backend of an environment: the local runtime for `--env local`, AWS otherwise. Each is
 * imported only when used, so `b2a --help` loads neither the AWS SDK nor the local runtime.
 */
import { resolve } from 'node:path';
import type { AdminSession } from '../../pipeline-functions/core/ports.js';
import type { GlobalOptions } from '../global-options.js';

/** Opens the admin ports of the environment named by the global options. */
export type OpenAdmin = (options: GlobalOptions) => Promise<AdminSession>;

/** The real backends: local by `--data-dir`, AWS by discovery in `--env`'s account and region. */
export const openAdmin: OpenAdmin = async (options) => {
  if (options.env === 'local') {
    const { openLocalAdmin } = await import('../../pipeline-functions/local/admin.js');
    return openLocalAdmin(resolve(options.dataDir));
  }
  const { openAwsAdmin } = await import('./aws.js');
  return openAwsAdmin({
    environment: options.env,
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.region ? { region: options.region } : {}),
  });
};
