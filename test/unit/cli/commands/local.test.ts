import { describe, expect, it } from '@jest/globals';
import { CommanderError } from 'commander';
import { localCommand } from '../../../../cli/commands/local.js';
import { banner } from '../../../../cli/local-up.js';

describe('Command: local', () => {
  it('has up and reset, with the flags the README documents', () => {
    // Act
    const local = localCommand();
    const up = local.commands.find((c) => c.name() === 'up');
    const reset = local.commands.find((c) => c.name() === 'reset');
    // Assess
    expect(up?.options.map((o) => o.long)).toEqual([
      '--api-url',
      '--config',
      '--demo-api-port',
      '--dynamodb-port',
      '--verbose',
    ]);
    expect(reset?.options.map((o) => o.long)).toEqual(['--all', '--yes']);
  });

  it('rejects a port or URL that is not one before starting anything', async () => {
    // Prepare
    const local = localCommand().exitOverride();
    for (const command of local.commands)
      command.exitOverride().configureOutput({ writeErr: () => undefined });
    // Act & Assess
    await expect(local.parseAsync(['up', '--demo-api-port', 'x'], { from: 'user' })).rejects.toBeInstanceOf(
      CommanderError,
    );
    await expect(local.parseAsync(['up', '--api-url', 'ftp://a'], { from: 'user' })).rejects.toThrow(
      /not an http\(s\) URL/,
    );
  });

  it('prints where the inbox is and how to use the CLI', () => {
    // Act
    const text = banner(
      {
        dataDir: '/tmp/d',
        inboxDir: '/tmp/d/inbox',
        bucket: 'local-inbox',
        apiUrl: 'http://127.0.0.1:1/deliveries',
        demoApi: true,
      },
      '/tmp/d',
    );
    // Assess
    expect(text).toContain('inbox  /tmp/d/inbox  (bucket local-inbox; subfolders are key prefixes)');
    expect(text).toContain('(built-in demo API)');
    // Changed on purpose (issue 14): successes are listed by prefix, so the hint names the copied file.
    expect(text).toContain('b2a jobs --prefix report --data-dir /tmp/d');
    expect(text).toContain('Ctrl+C stops');
  });
});
