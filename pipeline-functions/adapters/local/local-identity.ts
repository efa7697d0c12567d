/** Who runs the local CLI: the operating system user, as `local:<username>`. */
import { userInfo } from 'node:os';
import type { Identity, IdentityProvider } from '../../core/ports.js';
import { hasErrorCode } from './files.js';

/** The local user name; `uid-<n>` when the system has no name for the uid (some containers). */
export function localUserName(): string {
  try {
    return userInfo().username;
  } catch (error) {
    // userInfo() throws ENOENT for a uid without a passwd entry (some containers); the uid still names the user.
    if (hasErrorCode(error, 'ENOENT')) return process.env['USER'] ?? `uid-${process.getuid?.() ?? 'unknown'}`;
    throw error;
  }
}

/**
 * The local {@link IdentityProvider}: `whoami()` is `{ arn: 'local:<username>' }`.
 * @example (await new LocalIdentityProvider().whoami()).arn // 'local:alice'
 */
export class LocalIdentityProvider implements IdentityProvider {
  public async whoami(): Promise<Identity> {
    return { arn: `local:${localUserName()}` };
  }
}
