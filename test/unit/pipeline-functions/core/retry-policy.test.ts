import { describe, expect, it } from '@jest/globals';
import { parsePipelineConfig } from '../../../../pipeline-functions/core/config.js';
import { mayRetry, nextAttemptAt, retryJitter } from '../../../../pipeline-functions/core/retry-policy.js';
import { FakeClock } from '../../../support/fakes.js';

const settings = { maxAttempts: 4, baseDelaySeconds: 60, maxDelaySeconds: 3600 };
/** Scheduler: https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html (60 second precision). */
const scheduler = { minimumLeadSeconds: 60, precisionSeconds: 60 };
const seconds = { minimumLeadSeconds: 0, precisionSeconds: 1 };
const NOW = '2026-11-21T12:00:00.000Z';

const after = (from: string, at: Date): number => (at.getTime() - Date.parse(from)) / 1000;

describe('Function: nextAttemptAt', () => {
  it('doubles per attempt, jittered between half and all of it', () => {
    const at = (attempt: number, jitter: number): number =>
      after(NOW, nextAttemptAt({ now: new Date(NOW), attempt, settings, timing: seconds, jitter }));
    expect(at(1, 0)).toBe(30);
    expect(at(1, 0.999999)).toBe(60);
    expect(at(3, 0)).toBe(120);
    expect(at(3, 0.999999)).toBe(240);
  });

  it('is capped at maxDelaySeconds', () => {
    const at = nextAttemptAt({
      now: new Date(NOW),
      attempt: 20,
      settings,
      timing: seconds,
      jitter: 0.999999,
    });
    expect(after(NOW, at)).toBe(3600);
  });

  it('honours a longer Retry-After, but never past the cap', () => {
    const at = (retryAfterSeconds: number): number =>
      after(
        NOW,
        nextAttemptAt({
          now: new Date(NOW),
          attempt: 1,
          settings,
          timing: seconds,
          jitter: 0,
          retryAfterSeconds,
        }),
      );
    expect(at(300)).toBe(300);
    expect(at(99_999)).toBe(3600);
    expect(at(1)).toBe(30);
  });

  it("applies Scheduler's one-minute floor before the jitter, so a first retry still spreads over two minutes", () => {
    // Prepare
    const clock = new FakeClock(new Date('2026-11-21T12:00:20.000Z'));
    const at = (jitter: number): string =>
      nextAttemptAt({ now: clock.now(), attempt: 1, settings, timing: scheduler, jitter }).toISOString();

    // Act
    const earliest = at(0);
    const latest = at(0.999999);

    // Assess: 60 s fixed + up to 30 s of jitter, counted from the next whole minute
    expect(earliest).toBe('2026-11-21T12:02:00.000Z');
    expect(latest).toBe('2026-11-21T12:03:00.000Z');
  });

  it('is on the whole minute and at least a minute away, for any time within the minute', () => {
    // Prepare
    const clock = new FakeClock(new Date('2026-11-21T12:00:00.001Z'));
    const times = new Set<string>();

    // Act
    for (let i = 0; i < 60; i++) {
      const now = clock.now();
      const at = nextAttemptAt({ now, attempt: 1, settings, timing: scheduler, jitter: 0.5 });
      expect(at.getTime() % 60_000).toBe(0);
      expect(at.getTime() - now.getTime()).toBeGreaterThanOrEqual(60_000);
      times.add(at.toISOString());
      clock.advance(999);
    }

    // Assess: the same time, whichever second of the minute it was computed in
    expect([...times]).toEqual(['2026-11-21T12:03:00.000Z']);
  });
});

describe('Function: retryJitter', () => {
  it('is the same for the same retry, in [0, 1), and differs between jobs', () => {
    const jitters = Array.from({ length: 200 }, (_, i) => retryJitter(`inbox/file-${i}.csv#null`, 'auto', 1));
    expect(retryJitter('inbox/a#null', 'auto', 2)).toBe(retryJitter('inbox/a#null', 'auto', 2));
    expect(jitters.every((j) => j >= 0 && j < 1)).toBe(true);
    // A batch that failed together spreads out: 200 jobs land in many distinct tenths of the range.
    expect(new Set(jitters.map((j) => Math.floor(j * 10))).size).toBe(10);
  });
});

describe('Function: mayRetry', () => {
  it('allows attempts up to maxAttempts', () => {
    expect(mayRetry(3, settings)).toBe(true);
    expect(mayRetry(4, settings)).toBe(false);
  });
});

describe('Default retry settings', () => {
  it('keep a job retrying for at least a day, even when jitter always picks the shortest delay', () => {
    const { retry } = parsePipelineConfig({ api: { url: 'https://x.test' } });
    let now = new Date(NOW);
    for (let attempt = 1; mayRetry(attempt, retry); attempt++)
      now = nextAttemptAt({ now, attempt, settings: retry, timing: scheduler, jitter: 0 });
    expect(after(NOW, now)).toBeGreaterThanOrEqual(24 * 3600);
  });
});
