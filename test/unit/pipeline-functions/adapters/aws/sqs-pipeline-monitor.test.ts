import { beforeEach, describe, expect, it } from '@jest/globals';
import { DescribePipeCommand, PipesClient } from '@aws-sdk/client-pipes';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsPipelineMonitor } from '../../../../../pipeline-functions/adapters/aws/sqs-pipeline-monitor.js';

const sqs = mockClient(SQSClient);
const pipes = mockClient(PipesClient);
const options = { queueUrl: 'https://q/source', dlqUrl: 'https://q/dlq', pipeName: 'b2a-test' };
const monitor = () => new AwsPipelineMonitor(new SQSClient({}), new PipesClient({}), options);

describe('Class: AwsPipelineMonitor', () => {
  beforeEach(() => {
    sqs.reset();
    pipes.reset();
  });

  it('reads the depth of the source queue and of the DLQ', async () => {
    // Prepare
    sqs.on(GetQueueAttributesCommand, { QueueUrl: options.queueUrl }).resolves({
      Attributes: {
        ApproximateNumberOfMessages: '12',
        ApproximateNumberOfMessagesNotVisible: '3',
        ApproximateNumberOfMessagesDelayed: '1',
      },
    });
    sqs.on(GetQueueAttributesCommand, { QueueUrl: options.dlqUrl }).resolves({
      Attributes: { ApproximateNumberOfMessages: '2' },
    });

    // Act
    const stats = await monitor().queueStats();

    // Assess
    expect(stats).toEqual({
      source: { visible: 12, inFlight: 3, delayed: 1 },
      deadLetter: { visible: 2, inFlight: 0, delayed: 0 },
    });
    expect(sqs).toReceiveCommandWith(GetQueueAttributesCommand, {
      QueueUrl: options.dlqUrl,
      AttributeNames: expect.arrayContaining(['ApproximateNumberOfMessagesNotVisible']),
    });
  });

  it("reports the pipe's current state", async () => {
    // Prepare
    pipes.on(DescribePipeCommand).resolves({ CurrentState: 'STOPPED' });

    // Act
    const state = await monitor().pipeState();

    // Assess
    expect(state).toBe('STOPPED');
    expect(pipes).toReceiveCommandWith(DescribePipeCommand, { Name: 'b2a-test' });
  });
});
