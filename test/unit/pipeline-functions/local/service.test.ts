import { describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import { PortInUseError } from '../../../../pipeline-functions/local/errors.js';
import {
  assertPortFree,
  closeServer,
  deferredService,
  listenOnLoopback,
  startServices,
  startStep,
  type Service,
} from '../../../../pipeline-functions/local/service.js';

const recorder = (log: string[], name: string, failStart = false): Service => ({
  name,
  start: async () => {
    if (failStart) throw new Error(`${name} cannot start`);
    log.push(`start ${name}`);
  },
  stop: async () => {
    log.push(`stop ${name}`);
  },
});

describe('Function: startServices', () => {
  it('starts in order and stops in reverse', async () => {
    // Prepare
    const log: string[] = [];
    // Act
    const stop = await startServices([recorder(log, 'a'), recorder(log, 'b'), recorder(log, 'c')]);
    await stop();
    // Assess
    expect(log).toEqual(['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
  });

  it('stops what started when a start fails, and throws that failure', async () => {
    // Prepare
    const log: string[] = [];
    // Act
    const starting = startServices([recorder(log, 'a'), recorder(log, 'b'), recorder(log, 'c', true)]);
    // Assess
    await expect(starting).rejects.toThrow('c cannot start');
    expect(log).toEqual(['start a', 'start b', 'stop b', 'stop a']);
  });
});

describe('Function: deferredService', () => {
  it('builds its service only when its turn to start comes, and stops it in turn', async () => {
    // Prepare
    const log: string[] = [];
    const built = deferredService('b', () => {
      log.push('build b');
      return recorder(log, 'b');
    });
    // Act
    const stop = await startServices([recorder(log, 'a'), built, recorder(log, 'c')]);
    await stop();
    // Assess
    expect(log).toEqual(['start a', 'build b', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
  });

  it('stops what started when building fails', async () => {
    // Prepare
    const log: string[] = [];
    const unbuildable = deferredService('b', () => {
      throw new Error('b cannot be built');
    });
    // Act
    const starting = startServices([recorder(log, 'a'), unbuildable, recorder(log, 'c')]);
    // Assess
    await expect(starting).rejects.toThrow('b cannot be built');
    expect(log).toEqual(['start a', 'stop a']);
  });
});

describe('Function: startStep', () => {
  it('runs in its place in the list and leaves nothing to stop', async () => {
    // Prepare
    const log: string[] = [];
    // Act
    const stop = await startServices([
      recorder(log, 'a'),
      startStep('compose', () => {
        log.push('compose');
      }),
      recorder(log, 'b'),
    ]);
    await stop();
    // Assess
    expect(log).toEqual(['start a', 'compose', 'start b', 'stop b', 'stop a']);
  });
});

describe('Function: listenOnLoopback', () => {
  it('listens on 127.0.0.1 and says clearly when the port is taken', async () => {
    // Prepare
    const first = createServer();
    const url = await listenOnLoopback(first, 0, 'the demo API', '--demo-api-port');
    const port = Number(new URL(url).port);
    const second = createServer();
    try {
      // Act
      const taken = listenOnLoopback(second, port, 'the demo API', '--demo-api-port');
      // Assess
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await expect(taken).rejects.toBeInstanceOf(PortInUseError);
      await expect(taken).rejects.toThrow(`port ${port} on 127.0.0.1 (for the demo API) is already in use`);
      await expect(assertPortFree(port, 'dynalite', '--dynamodb-port')).rejects.toThrow(/--dynamodb-port/);
    } finally {
      await closeServer(first);
    }
  });
});
