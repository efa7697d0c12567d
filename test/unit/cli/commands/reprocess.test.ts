import { beforeEach, describe, expect, it } from '@jest/globals';
import { HeadObjectCommand, NotFound, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { S3ObjectSource } from '../../../../pipeline-functions/adapters/aws/s3-object-source.js';
import { s3Error } from '../../../support/aws-answers.js';
import { FakeAdmin, job, runCli, withObjects } from '../support/fake-admin.js';

describe('Command: b2a reprocess', () => {
  it('prints the job it starts', async () => {
    // Act
    const { code, stdout } = await runCli(['reprocess', 'a.csv'], withObjects());

    // Assess
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^Started job inbox\/a\.csv#v7 \(run [0-9a-f-]{36}\)\nFollow it with: b2a jobs show a\.csv\n$/,
    );
  });

  it('exits 3 and sends nothing when a key does not exist', async () => {
    // Prepare
    const admin = withObjects();

    // Act
    const { code, stdout, stderr } = await runCli(['reprocess', 'a.csv', 'typo.csv'], admin);

    // Assess
    expect(code).toBe(3);
    expect(stdout).toBe('');
    expect(stderr.split('\n')[0]).toBe('b2a: no object "typo.csv" in bucket inbox (dev); nothing was sent');
    expect(admin.queue.sent).toEqual([]);
  });

  it('prints what it sent as JSON', async () => {
    const { code, stdout } = await runCli(['reprocess', 'dir/b c.csv', '--json'], withObjects());
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      environment: 'dev',
      dryRun: false,
      started: [{ jobId: 'inbox/dir/b c.csv#etag:eb', key: 'dir/b c.csv' }],
      missing: [],
    });
  });

  it('waits for the job and exits 6 when it fails', async () => {
    // Prepare
    const admin = withObjects();
    const original = admin.queue.send.bind(admin.queue);
    admin.queue.send = async (envelope) => {
      await original(envelope);
      admin.jobs.add(
        job('a.csv', {
          versionId: 'v7',
          status: 'FAILED',
          runId: envelope.run.id,
          runStartedAt: envelope.run.startedAt,
          lastError: 'HTTP 400: bad csv',
          lastHttpStatus: 400,
        }),
      );
    };

    // Act
    const { code, stdout, stderr } = await runCli(['reprocess', 'a.csv', '--wait'], admin);

    // Assess
    expect(code).toBe(6);
    expect(stdout).toMatch(/a\.csv\s+FAILED\s+HTTP 400: bad csv/);
    expect(stderr).toContain('1 of 1 job(s) did not succeed (FAILED)');
  });

  it('reprocesses failed jobs in bulk, narrowed by --since and --prefix', async () => {
    // Prepare
    const admin = new FakeAdmin();
    admin.objects.put('inbox', 'in/a.csv', { versionId: 'v1' }).put('inbox', 'in/b.csv', { versionId: 'v1' });
    admin.jobs.add(
      job('in/a.csv', { status: 'FAILED', updatedAt: '2026-11-21T11:30:00.000Z' }),
      job('in/b.csv', { status: 'FAILED', updatedAt: '2026-11-21T08:00:00.000Z' }),
      job('out/c.csv', { status: 'FAILED', updatedAt: '2026-11-21T11:50:00.000Z' }),
      job('in/d.csv', { status: 'SKIPPED', updatedAt: '2026-11-21T11:50:00.000Z' }),
    );

    // Act
    const { code, stdout } = await runCli(
      ['reprocess', '--failed', '--since', '2h', '--prefix', 'in/'],
      admin,
    );

    // Assess
    expect(code).toBe(0);
    expect(admin.queue.sent.map((e) => e.object.key)).toEqual(['in/a.csv']);
    expect(admin.jobs.queries).toEqual([{ status: 'FAILED', since: '2026-11-21T10:00:00.000Z', limit: 100 }]);
    expect(stdout).toContain('Started job inbox/in/a.csv#v1');
  });

  it('takes permits from the pacer before each batch of a bulk reprocess', async () => {
    // Prepare: 25 failed jobs are three batches (10, 10, 5).
    const admin = new FakeAdmin();
    for (let i = 0; i < 25; i++) {
      const key = `f${String(i).padStart(2, '0')}.csv`;
      admin.objects.put('inbox', key, { versionId: 'v1' });
      admin.jobs.add(job(key, { status: 'FAILED', updatedAt: '2026-11-21T11:30:00.000Z' }));
    }

    // Act
    const { code } = await runCli(['reprocess', '--failed'], admin);

    // Assess
    expect(code).toBe(0);
    expect(admin.pacer.takes).toEqual([
      { permits: 10, sentBefore: 0 },
      { permits: 10, sentBefore: 10 },
      { permits: 5, sentBefore: 20 },
    ]);
  });

  it('sends nothing on a dry run', async () => {
    // Prepare
    const admin = new FakeAdmin('prod');
    admin.jobs.add(job('a.csv', { status: 'SKIPPED' }), job('b.csv', { status: 'FAILED' }));

    // Act
    const { code, stdout } = await runCli(['reprocess', '--skipped', '--failed', '--dry-run'], admin);

    // Assess
    expect(code).toBe(0);
    expect(admin.queue.sent).toEqual([]);
    expect(stdout).toContain('Dry run: would reprocess 2 object(s) in prod:');
  });

  it('refuses bulk work in prod without a terminal unless --yes (exit 2)', async () => {
    // Prepare
    const admin = new FakeAdmin('prod');
    admin.objects.put('inbox', 'a.csv', { versionId: 'v1' });
    admin.jobs.add(job('a.csv', { status: 'FAILED' }));

    // Act
    const refused = await runCli(['reprocess', '--failed'], admin);
    const confirmed = await runCli(['reprocess', '--failed', '--yes'], admin);

    // Assess
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('reprocess 1 object(s) in prod needs confirmation');
    expect(refused.stderr).toContain('pass --yes');
    expect(confirmed.code).toBe(0);
    expect(admin.queue.sent).toHaveLength(1);
  });

  it.each([
    [['reprocess'], 'name the objects to reprocess'],
    [['reprocess', 'a.csv', '--failed'], 'not both'],
    [['reprocess', '--since', '2h'], 'name the objects to reprocess'],
    [['reprocess', '--failed', '--since', 'yesterday'], 'is not a duration'],
  ])('refuses %j (exit 2)', async (args, message) => {
    const { code, stderr } = await runCli(args, withObjects());
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  describe('against S3 (the adapter on a mocked S3Client)', () => {
    // Without s3:ListBucket S3 answers a missing key's HEAD with 403, with it 404; a HEAD has no body,
    // so the SDK gives `NotFound` or `Unknown`/`UnknownError` with the status (checked against the real
    // client in test/integration/.../s3-object-source.test.ts). "Permissions" in
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
    const s3 = mockClient(S3Client);
    const onS3 = (): FakeAdmin =>
      Object.assign(new FakeAdmin(), {
        objects: new S3ObjectSource(
          new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
        ),
      });

    beforeEach(() => {
      s3.reset();
    });

    it('exits 3 "no object" for a key S3 answers 404 (the caller has s3:ListBucket)', async () => {
      // Prepare
      s3.on(HeadObjectCommand).rejects(
        new NotFound({ message: 'UnknownError', $metadata: { httpStatusCode: 404 } }),
      );
      const admin = onS3();

      // Act
      const { code, stderr } = await runCli(['reprocess', 'typo.csv'], admin);

      // Assess
      expect(code).toBe(3);
      expect(stderr.split('\n')[0]).toBe('b2a: no object "typo.csv" in bucket inbox (dev); nothing was sent');
      expect(admin.queue.sent).toEqual([]);
    });

    it('exits 4 naming what is likely missing for a key S3 answers 403 (no s3:ListBucket)', async () => {
      // Prepare
      s3.on(HeadObjectCommand).rejects(s3Error('Unknown', 403, 'UnknownError'));
      const admin = onS3();

      // Act
      const { code, stderr } = await runCli(['reprocess', 'typo.csv', '--env', 'dev'], admin);

      // Assess
      expect(code).toBe(4);
      expect(stderr).toBe(
        "b2a: s3://inbox/typo.csv: access denied (HTTP 403); likely missing: s3:ListBucket on the bucket (without it S3 answers 403, not 404, for a missing key), s3:GetObject in the bucket policy, or kms:Decrypt on the bucket's KMS key\n" +
          '  hint: check the key; with s3:ListBucket (in b2a-dev-admin) a missing key is reported as not found\n',
      );
      expect(admin.queue.sent).toEqual([]);
    });
  });

  describe('in bulk, object by object', () => {
    const failing = (): FakeAdmin => {
      const admin = new FakeAdmin();
      admin.objects.put('inbox', 'a.csv', { versionId: 'v1' }).put('inbox', 'c.csv', { versionId: 'v1' });
      admin.objects.put('inbox', 'e.csv', { versionId: 'v1' });
      admin.objects.denied.add('inbox/b.csv');
      admin.jobs.add(
        ...['a.csv', 'b.csv', 'c.csv', 'd.csv', 'e.csv'].map((key) => job(key, { status: 'FAILED' })),
      );
      const send = admin.queue.send.bind(admin.queue);
      admin.queue.send = async (envelope) => {
        if (envelope.object.key === 'c.csv') throw new Error('AWS.SimpleQueueService.RequestThrottled');
        await send(envelope);
      };
      return admin;
    };

    it('tries every object, lists what was not sent and why, and exits 7', async () => {
      // Prepare
      const admin = failing();

      // Act
      const { code, stdout, stderr } = await runCli(['reprocess', '--failed'], admin);

      // Assess
      expect(code).toBe(7);
      expect(admin.queue.sent.map((e) => e.object.key).sort()).toEqual(['a.csv', 'e.csv']);
      expect(stdout).toContain('Not sent: s3://inbox/b.csv (v1): access denied (HTTP 403)');
      expect(stdout).toContain(
        'Not sent: s3://inbox/c.csv (v1): Error: AWS.SimpleQueueService.RequestThrottled',
      );
      expect(stdout).toContain('Not sent: s3://inbox/d.csv (v1) no longer exists');
      expect(stderr.split('\n')[0]).toBe('b2a: 2 of 5 object(s) not sent (1 denied, 1 failed); 2 sent');
      expect(stderr).toContain('rerunning the whole selection would send the others again');
    });

    it('reports each object in --json, and still exits 7', async () => {
      // Act
      const { code, stdout } = await runCli(['reprocess', '--failed', '--json'], failing());

      // Assess
      expect(code).toBe(7);
      const result = JSON.parse(stdout) as Record<string, { key: string; reason?: string }[]>;
      expect(result['started']?.map((s) => s.key).sort()).toEqual(['a.csv', 'e.csv']);
      expect(result['missing']?.map((m) => m.key)).toEqual(['d.csv']);
      expect(result['denied']).toEqual([
        expect.objectContaining({ key: 'b.csv', reason: 'access denied (HTTP 403)' }),
      ]);
      expect(result['failed']).toEqual([
        expect.objectContaining({ key: 'c.csv', reason: 'Error: AWS.SimpleQueueService.RequestThrottled' }),
      ]);
    });

    it('exits 0 when the only objects not sent no longer exist', async () => {
      // Prepare
      const admin = new FakeAdmin();
      admin.objects.put('inbox', 'a.csv', { versionId: 'v1' });
      admin.jobs.add(job('a.csv', { status: 'FAILED' }), job('gone.csv', { status: 'FAILED' }));

      // Act
      const { code } = await runCli(['reprocess', '--failed'], admin);

      // Assess
      expect(code).toBe(0);
    });

    it('keeps sending the other keys named on the command line when one send fails', async () => {
      // Prepare
      const admin = withObjects();
      const send = admin.queue.send.bind(admin.queue);
      admin.queue.send = async (envelope) => {
        if (envelope.object.key === 'a.csv') throw new Error('socket hang up');
        await send(envelope);
      };

      // Act
      const { code, stdout } = await runCli(['reprocess', 'a.csv', 'dir/b c.csv'], admin);

      // Assess
      expect(code).toBe(7);
      expect(admin.queue.sent.map((e) => e.object.key)).toEqual(['dir/b c.csv']);
      expect(stdout).toContain('Not sent: s3://inbox/a.csv (v7): Error: socket hang up');
    });
  });
});
