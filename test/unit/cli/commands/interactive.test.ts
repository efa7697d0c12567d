/** The commands as a person at a terminal sees them: ink output, prompts, progress and spinners. */
import { afterEach, describe, expect, it } from '@jest/globals';
import { FakeAdmin, job, runCli } from '../support/fake-admin.js';

const ESC = '\u001b[';

describe('Commands in a terminal', () => {
  const forceColor = process.env['FORCE_COLOR'];
  afterEach(() => {
    if (forceColor === undefined) delete process.env['FORCE_COLOR'];
    else process.env['FORCE_COLOR'] = forceColor;
  });

  it('colours the flag, unless NO_COLOR is set', async () => {
    const coloured = await runCli(['toggle'], new FakeAdmin(), { tty: true });
    const plain = await runCli(['toggle'], new FakeAdmin(), { tty: true, env: { NO_COLOR: '1' } });
    expect(coloured.stdout).toContain(ESC);
    expect(plain.stdout).toBe('b2a is ON in dev\n');
  });

  it('prints the jobs table through ink, fitted to the terminal', async () => {
    // Prepare
    const admin = new FakeAdmin();
    admin.jobs.add(
      job(`long/${'k'.repeat(150)}.csv`, {
        status: 'FAILED',
        lastError: 'HTTP 500: boom',
        lastHttpStatus: 500,
      }),
    );

    // Act
    const { code, stdout } = await runCli(['jobs'], admin, { tty: true, env: { NO_COLOR: '1' } });

    // Assess
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^KEY\s+STATUS\s+ATTEMPTS\s+LAST\s+UPDATED$/);
    expect(lines[1]).toMatch(/^long\/k+…\s+FAILED\s+1\s+HTTP 500: boom\s+2026-11-21 10:00:01Z$/);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
  });

  it('asks before bulk work in prod, and exits 5 on no', async () => {
    // Prepare
    const admin = new FakeAdmin('prod');
    admin.objects.put('inbox', 'a.csv', { versionId: 'v1' });
    admin.jobs.add(job('a.csv', { status: 'FAILED' }));
    const questions: string[] = [];

    // Act
    const { code, stderr } = await runCli(['reprocess', '--failed'], admin, {
      tty: true,
      ask: async (_output, question) => {
        questions.push(question);
        return false;
      },
    });

    // Assess
    expect(code).toBe(5);
    expect(questions).toEqual(['Reprocess 1 object(s) in prod?']);
    expect(stderr).toContain('aborted: nothing was changed');
    expect(admin.queue.sent).toEqual([]);
  });

  it('shows a progress bar for bulk work once confirmed', async () => {
    // Prepare
    const admin = new FakeAdmin('prod');
    admin.objects.put('inbox', 'a.csv', { versionId: 'v1' }).put('inbox', 'b.csv', { versionId: 'v1' });
    admin.jobs.add(job('a.csv', { status: 'FAILED' }), job('b.csv', { status: 'FAILED' }));

    // Act
    const { code, stdout, stderr } = await runCli(['reprocess', '--failed'], admin, {
      tty: true,
      ask: async () => true,
    });

    // Assess
    expect(code).toBe(0);
    expect(admin.queue.sent).toHaveLength(2);
    expect(stderr).toContain('reprocessing');
    expect(stderr).toContain('2/2');
    expect(stdout).toContain('2 jobs started in prod.');
  });

  it('follows a reprocess with a spinner until it succeeds', async () => {
    // Prepare
    const admin = new FakeAdmin();
    admin.objects.put('inbox', 'a.csv', { versionId: 'v1' });
    const send = admin.queue.send.bind(admin.queue);
    admin.queue.send = async (envelope) => {
      await send(envelope);
      admin.jobs.add(job('a.csv', { runId: envelope.run.id, runStartedAt: envelope.run.startedAt }));
    };

    // Act
    const { code, stdout, stderr } = await runCli(['reprocess', 'a.csv', '--wait'], admin, { tty: true });

    // Assess
    expect(code).toBe(0);
    expect(stderr).toContain('a.csv');
    expect(stdout).toMatch(/a\.csv\s+SUCCEEDED\s+HTTP 200/);
  });
});
