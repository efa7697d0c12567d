/**
 * The local runtime's composition root: builds the local adapters once and hands the handler
 * factories the Lambda functions use (`createEnrichmentHandler`, `createTargetHandler`) their ports.
 *
 * It composes in two parts because of what only a listening server knows: the servers and queues
 * are built first; the pipeline (configuration, flag, jobs, API, handlers, pipe, inbox) once the
 * store listens (the jobs adapter needs its client) and the API URL is known (the demo API's is
 * known once it listens).
 *
 * @example
 * const root = new LocalCompositionRoot(await prepareRuntime({ dataDir: '.b2a' }));
 * await root.store.start();
 * await root.composePipeline();
 * await root.pipeline.pipe.start();
 */
import { DynamoDbAdmissionStore } from '../adapters/aws/dynamodb-admission-store.js';
import { DynamoDbJobRepository } from '../adapters/aws/dynamodb-job-repository.js';
import { DynamoDbLatestVersions } from '../adapters/aws/dynamodb-latest-versions.js';
import { HttpDownstreamApi } from '../adapters/http/downstream-api.js';
import { DirectoryObjectSource } from '../adapters/local/directory-object-source.js';
import { DurableQueue } from '../adapters/local/durable-queue.js';
import { EnvFileCredentialStore } from '../adapters/local/env-file-credential-store.js';
import { FileFlagAdmin } from '../adapters/local/file-flag.js';
import { FileNotifier } from '../adapters/local/file-notifier.js';
import { localUserName } from '../adapters/local/local-identity.js';
import { LocalRetryScheduler } from '../adapters/local/local-retry-scheduler.js';
import { admissionControl } from '../core/admission/admission-control.js';
import type { PipelineConfig } from '../core/config.js';
import { CachedCredentialStore, checkCredentials } from '../core/credentials.js';
import type { CredentialStore, JobRepository } from '../core/ports.js';
import { createEnrichmentHandler, type EnrichmentHandler } from '../handlers/enrichment.js';
import { createTargetHandler, type TargetHandler } from '../handlers/target.js';
import { Activity } from './activity.js';
import { LOCAL_TABLE_NAME } from './data-dir.js';
import { DemoApi } from './demo-api.js';
import { DynamoStore } from './dynamo-store.js';
import { LocalRuntimeError } from './errors.js';
import { RuntimeEvents } from './events.js';
import { InboxWatcher } from './inbox-watcher.js';
import { ObjectServer } from './object-server.js';
import { LocalPipe } from './pipe.js';
import { SlotSweeper } from './slot-sweeper.js';
import { RuntimeReporter } from './reporter.js';
import { resolvePipelineConfig } from './settings.js';
import type { RuntimeSetup } from './setup.js';

/** The pipeline, composed once the store and the API listen. */
export interface LocalPipeline {
  readonly config: PipelineConfig;
  readonly flag: FileFlagAdmin;
  readonly jobs: JobRepository;
  /** The handlers the pipe runs: the same factories' as on Lambda. */
  readonly enrichment: EnrichmentHandler;
  readonly target: TargetHandler;
  readonly pipe: LocalPipe;
  readonly inbox: InboxWatcher;
  /** Admission control's state (rate limit slots, the circuit breaker), in the jobs store. */
  readonly admission: DynamoDbAdmissionStore;
  /** Drops expired rate limit slots (dynalite has no TTL). */
  readonly sweeper: SlotSweeper;
}

/** The local adapters and services of one runtime, each built once. */
export class LocalCompositionRoot {
  public readonly activity = new Activity();
  public readonly events: RuntimeEvents;
  public readonly reporter: RuntimeReporter;
  /** The source queue (S3 events, retries and reprocess requests land here). */
  public readonly source: DurableQueue;
  public readonly deadLetter: DurableQueue;
  /** dynalite, the jobs store. */
  public readonly store: DynamoStore;
  /** The inbox directory as the bucket. */
  public readonly objects: DirectoryObjectSource;
  /** Serves presigned URLs. */
  public readonly objectServer: ObjectServer;
  /** The built-in demo API, when no API URL is given. */
  public readonly demoApi: DemoApi | undefined;
  public readonly scheduler: LocalRetryScheduler;
  private composed: LocalPipeline | undefined;

  public constructor(private readonly setup: RuntimeSetup) {
    const { log, paths, settings, clock } = setup;
    this.events = new RuntimeEvents(log);
    this.reporter = new RuntimeReporter({
      log,
      activity: this.activity,
      events: this.events,
      bucket: settings.bucket,
    });
    const durable = settings.queue.durable;
    this.source = new DurableQueue({
      dir: paths.sourceQueue,
      durable,
      clock,
      onBadFile: (file, error) => this.reporter.unreadableMessage(file, error),
    });
    this.deadLetter = new DurableQueue({ dir: paths.deadLetterQueue, durable, clock });
    this.store = new DynamoStore({
      path: paths.dynamodb,
      dataDir: setup.dataDir,
      tableName: LOCAL_TABLE_NAME,
      port: settings.ports.dynamodb,
    });
    ({ objects: this.objects, objectServer: this.objectServer } = buildObjectServing(setup));
    this.demoApi = setup.givenApiUrl ? undefined : buildDemoApi(setup);
    this.scheduler = new LocalRetryScheduler({
      dir: paths.schedules,
      queue: this.source,
      timeScale: settings.timeScale,
      durable,
      clock,
      onFired: (retry) => this.reporter.retrySent(retry),
      onError: (retry, error) => this.reporter.retryNotSent(retry, error),
    });
  }

  /** The API called for each object: the given one, else the demo API's (once it listens). */
  public get apiUrl(): string {
    return this.setup.givenApiUrl ?? this.demoApi?.url ?? '';
  }

  /** @throws LocalRuntimeError before {@link composePipeline} */
  public get pipeline(): LocalPipeline {
    if (!this.composed) throw new LocalRuntimeError('the local pipeline is not composed yet');
    return this.composed;
  }

  /**
   * Composes the pipeline, once: call it after the store and the demo API started. Every credential
   * the config names is read and checked here, so a missing variable or a malformed signing secret
   * stops the start with the field's name.
   * @throws ConfigError when the configuration or a credential is not usable locally
   */
  public async composePipeline(): Promise<void> {
    this.composed ??= await this.buildPipeline();
  }

  private async buildPipeline(): Promise<LocalPipeline> {
    const { setup } = this;
    const config = resolvePipelineConfig(setup.input, this.apiUrl, setup.configSource);
    const credentials = new CachedCredentialStore(
      new EnvFileCredentialStore({ env: setup.env }),
      setup.clock,
      config.api.credentialCacheSeconds * 1000,
    );
    await checkCredentials(config.api, credentials);
    const flag = new FileFlagAdmin({
      path: setup.paths.flag,
      cacheSeconds: config.flag.cacheSeconds,
      changedBy: `local:${localUserName()}`,
      clock: setup.clock,
    });
    const jobs = new DynamoDbJobRepository(this.store.client, {
      tableName: LOCAL_TABLE_NAME,
      clock: setup.clock,
    });
    const admission = new DynamoDbAdmissionStore(this.store.client, { tableName: LOCAL_TABLE_NAME });
    const notifier = new FileNotifier({
      path: setup.paths.notifications,
      onNotify: (line) => this.reporter.notified(line),
      onCircuit: (line) => this.reporter.circuitChanged(line),
    });
    const enrichment = this.buildEnrichment(config, flag, jobs, credentials, { store: admission, notifier });
    const target = this.buildTarget(config, jobs, notifier);
    const inbox = this.buildInbox();
    const pipe = this.buildPipe(config, enrichment, target, inbox);
    const sweeper = new SlotSweeper({
      store: admission,
      clock: setup.clock,
      onError: (error) => this.reporter.sweepFailed(error),
    });
    return { config, flag, jobs, enrichment, target, pipe, inbox, admission, sweeper };
  }

  private buildEnrichment(
    config: PipelineConfig,
    flag: FileFlagAdmin,
    jobs: JobRepository,
    credentials: CredentialStore,
    shared: { readonly store: DynamoDbAdmissionStore; readonly notifier: FileNotifier },
  ): EnrichmentHandler {
    const { clock } = this.setup;
    const api = this.activity.countCalls(new HttpDownstreamApi({ api: config.api, credentials, clock }));
    const admission = admissionControl({ config, clock, ...shared });
    return createEnrichmentHandler({
      config,
      bucket: this.setup.settings.bucket,
      flag,
      jobs,
      versions: new DynamoDbLatestVersions(this.store.client, { tableName: LOCAL_TABLE_NAME, clock }),
      objects: this.objects,
      api,
      clock,
      ...(admission ? { admission } : {}),
    });
  }

  private buildTarget(config: PipelineConfig, jobs: JobRepository, notifier: FileNotifier): TargetHandler {
    return createTargetHandler({
      config,
      jobs,
      scheduler: this.scheduler,
      notifier,
      clock: this.setup.clock,
      onError: (item, error) => this.reporter.targetFailed(item, error),
      onRecorded: (_item, job) => this.reporter.jobRecorded(job),
    });
  }

  private buildPipe(
    config: PipelineConfig,
    enrichment: EnrichmentHandler,
    target: TargetHandler,
    inbox: InboxWatcher,
  ): LocalPipe {
    const { queue } = this.setup.settings;
    return new LocalPipe({
      source: this.source,
      deadLetter: this.deadLetter,
      enrichment,
      target,
      batchSize: config.batch.size,
      batchWindowMs: config.batch.windowSeconds * 1000,
      visibilityTimeoutMs: queue.visibilityTimeoutSeconds * 1000,
      maxReceiveCount: queue.maxReceiveCount,
      concurrentBatches: queue.concurrentBatches,
      // A file's event is on the queue before the inbox's scan ends: while none runs, no batch fills up.
      nothingOnTheWay: () => !inbox.emitting,
      pollIntervalMs: queue.pollIntervalMs,
      log: this.setup.log,
      clock: this.setup.clock,
      onBatch: (summary) => this.reporter.batchDone(summary),
      onDeadLetter: (message, reason) => this.reporter.deadLettered(message, reason),
    });
  }

  private buildInbox(): InboxWatcher {
    const { paths, settings, log, clock } = this.setup;
    return new InboxWatcher({
      inboxDir: paths.inbox,
      ledgerFile: paths.ledger,
      bucket: settings.bucket,
      queue: this.source,
      scanIntervalMs: settings.inbox.scanIntervalMs,
      stableMs: settings.inbox.stableMs,
      fileEvents: true,
      log,
      clock,
      onObjectCreated: (event) => this.reporter.objectCreated(event),
    });
  }
}

/** The inbox as the bucket, and the server behind its presigned URLs. */
function buildObjectServing(setup: RuntimeSetup): {
  objects: DirectoryObjectSource;
  objectServer: ObjectServer;
} {
  const { paths, settings, secret, log, clock } = setup;
  const objects = new DirectoryObjectSource({
    root: paths.inbox,
    bucket: settings.bucket,
    // The object server's URL is known once it listens, before anything presigns.
    signer: { secret, baseUrl: (): string => objectServer.url },
    clock,
  });
  const objectServer = new ObjectServer({
    source: objects,
    secret,
    port: settings.ports.objects,
    log,
    clock,
  });
  return { objects, objectServer };
}

function buildDemoApi(setup: RuntimeSetup): DemoApi {
  return new DemoApi({
    port: setup.settings.ports.demoApi,
    logFile: setup.paths.demoApiLog,
    log: setup.log,
    scenarios: setup.demoApiScenarios,
    clock: setup.clock,
  });
}
