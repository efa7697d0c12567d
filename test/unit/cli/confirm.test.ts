import { describe, expect, it } from '@jest/globals';
import { confirmAction } from '../../../cli/confirm.js';
import { AbortedError, UsageError } from '../../../cli/errors.js';
import { outputFor } from '../../../cli/terminal.js';
import { fakeTerminal } from './support/fake-admin.js';

const interactive = () => outputFor(fakeTerminal({ isTTY: true }).terminal, { json: false });

describe('Function: confirmAction', () => {
  it('asks in prod and goes ahead on yes', async () => {
    // Prepare
    const questions: string[] = [];

    // Act
    await confirmAction(
      interactive(),
      { environment: 'prod', yes: false, action: 'reprocess 3 object(s)' },
      async (_o, q) => {
        questions.push(q);
        return true;
      },
    );

    // Assess
    expect(questions).toEqual(['Reprocess 3 object(s) in prod?']);
  });

  it('aborts (exit 5) on no', async () => {
    const refused = confirmAction(
      interactive(),
      { environment: 'prod', yes: false, action: 'x' },
      async () => false,
    );
    await expect(refused).rejects.toThrow(AbortedError);
    await expect(refused).rejects.toMatchObject({ exitCode: 5 });
  });

  it('does not ask outside prod or with --yes', async () => {
    const ask = async (): Promise<boolean> => {
      throw new Error('asked');
    };
    await expect(
      confirmAction(interactive(), { environment: 'dev', yes: false, action: 'x' }, ask),
    ).resolves.toBeUndefined();
    await expect(
      confirmAction(interactive(), { environment: 'prod', yes: true, action: 'x' }, ask),
    ).resolves.toBeUndefined();
  });

  it('refuses with a usage error when there is no terminal to ask', async () => {
    const output = outputFor(fakeTerminal().terminal, { json: false });
    await expect(confirmAction(output, { environment: 'prod', yes: false, action: 'x' })).rejects.toThrow(
      UsageError,
    );
  });
});
