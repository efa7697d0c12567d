import {
  GetParameterCommand,
  paginateGetParameterHistory,
  PutParameterCommand,
  type ParameterHistory,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { FlagCache, readFlagValue } from '../../core/flag.js';
import {
  systemClock,
  type Clock,
  type FlagAdmin,
  type FlagChange,
  type FlagReading,
  type FlagValue,
} from '../../core/ports.js';
import { FlagParameterNotFoundError, isTransientAwsError } from './errors.js';

/** Options of {@link SsmEnabledFlag}. */
export interface SsmEnabledFlagOptions {
  /** The parameter's name, e.g. `/b2a/prod/enabled` (core `flagParameterName`). */
  readonly parameterName: string;
  /** How long a read value is trusted (config `flag.cacheSeconds`). @default 5 */
  readonly cacheSeconds?: number;
  /** @default systemClock */
  readonly clock?: Clock;
}

/** SSM returns at most 50 history entries per page. */
const HISTORY_PAGE_SIZE = 50;

/**
 * The enabled flag in an SSM String parameter holding `on`, `off` or `hold` (read case-insensitively; any
 * other value is read as not understood, see core `readFlagValue`).
 *
 * GetParameter is limited to 40 TPS per account and region, shared by every container: reads are
 * cached per container for `cacheSeconds`, and concurrent callers share one request in flight, so a
 * container makes at most one GetParameter per cache period. When a read fails transiently
 * (throttled, an SSM server error, the network) the last value read is kept for another period:
 * failing the batch instead would send every message round again, burning receive counts. Other
 * failures (the parameter is missing, access is denied) are thrown, and not cached.
 *
 * @example
 * const flag = new SsmEnabledFlag(new SSMClient({}), { parameterName: flagParameterName('prod') });
 * if (await flag.isEnabled()) { ... }
 */
export class SsmEnabledFlag implements FlagAdmin {
  private readonly parameterName: string;
  private readonly cache: FlagCache;

  public constructor(
    private readonly client: SSMClient,
    options: SsmEnabledFlagOptions,
  ) {
    this.parameterName = options.parameterName;
    this.cache = new FlagCache(options.clock ?? systemClock, (options.cacheSeconds ?? 5) * 1000);
  }

  /** @throws FlagParameterNotFoundError, or the SDK's error when no value was read before */
  public read(): Promise<FlagReading> {
    return this.cache.read(async () => {
      const { Parameter } = await this.guard(() =>
        this.client.send(new GetParameterCommand({ Name: this.parameterName })),
      );
      return readFlagValue(Parameter?.Value);
    }, isTransientAwsError);
  }

  /** @throws FlagParameterNotFoundError */
  public async isEnabled(): Promise<boolean> {
    return (await this.read()).state === 'on';
  }

  public async set(value: FlagValue): Promise<void> {
    await this.client.send(
      new PutParameterCommand({ Name: this.parameterName, Value: value, Type: 'String', Overwrite: true }),
    );
    this.cache.remember({ state: value });
  }

  /** Newest first. SSM keeps the last 100 versions, so that is as far back as it goes. */
  public async history(limit: number): Promise<FlagChange[]> {
    const versions: ParameterHistory[] = [];
    await this.guard(async () => {
      const pages = paginateGetParameterHistory(
        { client: this.client, pageSize: HISTORY_PAGE_SIZE },
        { Name: this.parameterName },
      );
      for await (const page of pages) versions.push(...(page.Parameters ?? []));
    });
    // SSM lists oldest first.
    return versions
      .reverse()
      .slice(0, limit)
      .map((version) => ({
        enabled: readFlagValue(version.Value).state === 'on',
        ...(version.Value !== undefined ? { value: version.Value } : {}),
        at: (version.LastModifiedDate ?? new Date(0)).toISOString(),
        ...(version.LastModifiedUser ? { by: version.LastModifiedUser } : {}),
      }));
  }

  private async guard<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof Error && error.name === 'ParameterNotFound') {
        throw new FlagParameterNotFoundError(this.parameterName, { cause: error });
      }
      throw error;
    }
  }
}
