import { describe, expect, it } from '@jest/globals';
import { render } from 'ink-testing-library';
import { LocalDashboard, type LocalDashboardProps } from '../../../../cli/views/LocalDashboard.js';

const props = (overrides: Partial<LocalDashboardProps> = {}): LocalDashboardProps => ({
  info: {
    dataDir: '.b2a',
    inboxDir: '/work/.b2a/inbox',
    bucket: 'local-inbox',
    apiUrl: 'http://127.0.0.1:4321/deliveries',
    demoApi: true,
  },
  counts: { RETRYING: 1, FAILED: 2, SKIPPED: 0, SUPERSEDED: 0 },
  flag: 'on',
  pending: { inbox: 0, queued: 3, retries: 1 },
  activity: {
    startedAt: '2026-11-21T12:00:00.000Z',
    callsInFlight: 2,
    objectsCreated: 15,
    recordedSinceStart: { SUCCEEDED: 12, RETRYING: 1, FAILED: 2, SKIPPED: 0, SUPERSEDED: 0 },
    deliveredPerSecond: 1.5,
    recent: [
      {
        at: '2026-11-21T12:00:05.000Z',
        jobId: 'local-inbox/a b.csv#etag:1',
        key: 'a b.csv',
        status: 'RETRYING',
        attempt: 1,
        httpStatus: 503,
        error: 'HTTP 503',
        nextAttemptAt: '2026-11-21T12:00:07.000Z',
      },
      {
        at: '2026-11-21T12:00:04.000Z',
        jobId: 'local-inbox/ok.json#etag:2',
        key: 'ok.json',
        status: 'SUCCEEDED',
        attempt: 1,
        httpStatus: 201,
        response: { status: 201, requestId: { header: 'x-request-id', value: 'req-9' }, body: '{"id":\n 7}' },
      },
    ],
    notifications: [],
    deadLetters: 0,
  },
  events: [
    { at: '2026-11-21T12:00:05.000Z', level: 'warn', event: 'job', message: 'RETRYING local-inbox/a b.csv' },
  ],
  width: 120,
  stopping: false,
  ...overrides,
});

describe('Component: LocalDashboard', () => {
  it('shows the API, the flag, counts by status, what is in flight, recent jobs and events', () => {
    // Act
    const frame = render(<LocalDashboard {...props()} />).lastFrame() ?? '';
    // Assess
    expect(frame).toContain('http://127.0.0.1:4321/deliveries (demo API)');
    expect(frame).toContain('flag ON');
    expect(frame).toMatch(/SUCCEEDED 12 since start\s+RETRYING 1\s+FAILED 2\s+SKIPPED 0/);
    expect(frame).toContain('In flight 2 calls · queued 3 · retries waiting 1');
    expect(frame).toContain('1.5 delivered/s');
    expect(frame).toMatch(/12:00:05\s+RETRYING\s+a b\.csv\s+1\s+503\s+next at 12:00:07: HTTP 503/);
    expect(frame).toMatch(/12:00:04\s+SUCCEEDED\s+ok\.json/);
    // The last response: its request id and the start of its body, on one line
    expect(frame).toMatch(/ok\.json\s+1\s+201\s+req-9 · \{"id": 7\}/);
    expect(frame).toMatch(/RESPONSE/);
    expect(frame).toContain('12:00:05 RETRYING local-inbox/a b.csv');
    expect(frame).toContain('Ctrl+C stops');
  });

  it('says how to start before any job, and that it is stopping', () => {
    // Prepare
    const base = props();
    // Act
    const frame =
      render(
        <LocalDashboard
          {...base}
          activity={{ ...base.activity, recent: [] }}
          counts={undefined}
          flag="off"
          stopping
        />,
      ).lastFrame() ?? '';
    // Assess
    expect(frame).toContain('none yet: drop a file into /work/.b2a/inbox');
    expect(frame).toContain('flag OFF');
    expect(frame).toContain('RETRYING …');
    expect(frame).toContain('Stopping: finishing the batches in hand');
  });

  it('shows a held flag and an open circuit breaker', () => {
    // Act
    const frame =
      render(
        <LocalDashboard
          {...props({
            flag: 'hold',
            circuit: {
              state: 'open',
              since: '2026-11-21T11:58:00.000Z',
              reason: 'HTTP 401',
              deferred: 3,
              failures: 0,
              nextProbeAt: '2026-11-21T12:00:30.000Z',
            },
          })}
          width={160}
        />,
      ).lastFrame() ?? '';

    // Assess
    expect(frame).toContain('flag HOLD');
    expect(frame).toContain(
      'Circuit OPEN since 2026-11-21 11:58:00Z: HTTP 401; 3 deferred; next probe 2026-11-21 12:00:30Z',
    );
  });
});
