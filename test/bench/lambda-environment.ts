/**
 * The Lambda functions' environment as the prod stage sets it, with dummy ARNs: for the cost section
 * (the real handlers, built by the Lambda composition root) and the bundle section (cold imports).
 */
import { pipelineConfigOf } from '../../infra/config/stage-config.js';
import { prod } from '../../infra/config/prod.js';
import type { PipelineConfig } from '../../pipeline-functions/core/config.js';
import { ENV, flagParameterName } from '../../pipeline-functions/core/names.js';
import { shipPipelineConfig } from '../../pipeline-functions/core/shipped-config.js';

/** The prod stage's configuration, calling `apiUrl` instead of the production API. */
export function prodPipelineConfig(apiUrl: string): PipelineConfig {
  const config = pipelineConfigOf(prod);
  return { ...config, api: { ...config.api, url: apiUrl } };
}

/** Every variable either function reads, with placeholder values (account 111111111111). */
export function lambdaEnvironment(config: PipelineConfig): Record<string, string> {
  return {
    [ENV.CONFIG]: shipPipelineConfig(config),
    [ENV.TABLE_NAME]: 'b2a-prod-jobs',
    [ENV.FLAG_PARAMETER]: flagParameterName('prod'),
    [ENV.BUCKET_NAME]: 'b2a-prod-inbox',
    [ENV.TOPIC_ARN]: 'arn:aws:sns:us-east-1:111111111111:b2a-prod-notifications',
    [ENV.QUEUE_ARN]: 'arn:aws:sqs:us-east-1:111111111111:b2a-prod-source',
    [ENV.SCHEDULE_GROUP]: 'b2a-prod',
    [ENV.SCHEDULER_ROLE_ARN]: 'arn:aws:iam::111111111111:role/b2a-prod-scheduler',
    [ENV.SCHEDULER_DLQ_ARN]: 'arn:aws:sqs:us-east-1:111111111111:b2a-prod-retry-dlq',
  };
}
