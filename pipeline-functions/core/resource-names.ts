/**
 * Names of the deployed resources, derived from the stage so that two stages can live in one account.
 * infra/ names the resources with them and the CLI names the admin policy and role in its hints; the
 * names the functions and the CLI reach resources by travel in environment variables and in the
 * discovery parameter (see `names.ts`), so a renamed resource needs no new CLI.
 */

/** The CloudFormation stack of a stage, e.g. `b2a-prod`. */
export const stackNameOf = (environment: string): string => `b2a-${environment}`;

/** Physical names of one stage's resources. */
export interface ResourceNames {
  readonly prefix: string;
  readonly table: string;
  readonly sourceQueue: string;
  readonly deadLetterQueue: string;
  /** Where Scheduler puts a retry it could not deliver (not the pipe's DLQ: it holds Scheduler's events). */
  readonly retryDeadLetterQueue: string;
  readonly enrichmentFunction: string;
  readonly targetFunction: string;
  readonly pipe: string;
  readonly pipeLogGroup: string;
  readonly topic: string;
  readonly scheduleGroup: string;
  readonly sourceRule: string;
  readonly adminPolicy: string;
  readonly adminRole: string;
  readonly dashboard: string;
  readonly metricNamespace: string;
}

/** @example resourceNamesOf('dev').table === 'b2a-dev-jobs' */
export function resourceNamesOf(environment: string): ResourceNames {
  const prefix = `b2a-${environment}`;
  return {
    prefix,
    table: `${prefix}-jobs`,
    sourceQueue: `${prefix}-source`,
    deadLetterQueue: `${prefix}-dlq`,
    retryDeadLetterQueue: `${prefix}-retry-dlq`,
    enrichmentFunction: `${prefix}-enrichment`,
    targetFunction: `${prefix}-target`,
    pipe: prefix,
    pipeLogGroup: `/aws/vendedlogs/pipes/${prefix}`,
    topic: `${prefix}-notifications`,
    scheduleGroup: prefix,
    sourceRule: `${prefix}-object-created`,
    adminPolicy: `${prefix}-admin`,
    adminRole: `${prefix}-admin`,
    dashboard: prefix,
    metricNamespace: 'b2a',
  };
}
