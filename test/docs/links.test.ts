/**
 * The README and docs/ must not send a newcomer to a file or a section that is not there, and neither
 * may `b2a --help`. Anchors follow GitHub's heading slugs.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import type { Command } from 'commander';
import { defaultDeps } from '../../cli/context.js';
import { createProgram } from '../../cli/program.js';
import { brokenLinks, githubSlug, headingAnchors, repoPathsIn, type RepoFiles } from './markdown-links.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

const repository: RepoFiles = {
  exists: (path) => existsSync(join(ROOT, path)),
  read: (path) => {
    const absolute = join(ROOT, path);
    return existsSync(absolute) && statSync(absolute).isFile() ? readFileSync(absolute, 'utf8') : undefined;
  },
};

/** A repository held in memory: its files, and the directories they imply. */
function inMemory(files: Record<string, string>): RepoFiles {
  const directories = new Set(
    Object.keys(files).flatMap((path) =>
      path
        .split('/')
        .slice(0, -1)
        .map((_, index, parts) => parts.slice(0, index + 1).join('/')),
    ),
  );
  return { exists: (path) => path in files || directories.has(path), read: (path) => files[path] };
}

function markdownFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name.split('\\').join('/')}`);
  return ['README.md', ...docs.sort()];
}

/** The full help of every command and subcommand, `addHelpText` sections included, by command path. */
function helpTexts(): Map<string, string> {
  const texts = new Map<string, string>();
  const visit = (command: Command, path: string): void => {
    const chunks: string[] = [];
    command.configureOutput({ writeOut: (text) => chunks.push(text) });
    command.outputHelp();
    texts.set(path, chunks.join(''));
    for (const child of command.commands) visit(child, `${path} ${child.name()}`);
  };
  visit(createProgram(defaultDeps()), 'b2a');
  return texts;
}

describe('Docs: README.md and docs/', () => {
  it('has a link target for every relative link, and a heading for every anchor', () => {
    // Prepare
    const files = markdownFiles();

    // Act
    const broken = files.flatMap((file) => brokenLinks(file, repository));

    // Assess
    expect(files).toEqual(expect.arrayContaining(['README.md', 'docs/README.md', 'docs/local.md']));
    expect(broken).toEqual([]);
  });

  it('names only repository paths that exist in the help of every b2a command', () => {
    // Prepare
    const topLevel = readdirSync(ROOT).filter((name) => name !== 'node_modules' && name !== '.git');

    // Act
    const named = [...helpTexts()].flatMap(([command, text]) =>
      repoPathsIn(text, topLevel).map((path) => ({ command, path })),
    );
    const missing = named.filter(({ path }) => !repository.exists(path));

    // Assess
    expect(named).toContainEqual({ command: 'b2a local up', path: 'docs/local.md' });
    expect(missing).toEqual([]);
  });
});

describe('Checker: markdown links', () => {
  it('reports a link to a missing file and an anchor with no heading', () => {
    // Prepare
    const repo = inMemory({
      'README.md': [
        '# Title',
        '',
        'See [the guide](docs/guide.md) and [its setup](docs/local.md#set-up).',
        '[gone]: docs/gone.md',
      ].join('\n'),
      'docs/local.md': '# Local\n\n## Setup\n',
    });

    // Act
    const broken = brokenLinks('README.md', repo);

    // Assess
    expect(broken).toEqual([
      { file: 'README.md', line: 3, target: 'docs/guide.md', reason: 'docs/guide.md does not exist' },
      {
        file: 'README.md',
        line: 3,
        target: 'docs/local.md#set-up',
        reason: 'docs/local.md has no heading #set-up',
      },
      { file: 'README.md', line: 4, target: 'docs/gone.md', reason: 'docs/gone.md does not exist' },
    ]);
  });

  it('accepts what GitHub resolves and ignores links in code and external links', () => {
    // Prepare
    const repo = inMemory({
      'docs/cli.md': [
        '# The admin CLI: `b2a`',
        '## Commands',
        '### `b2a-<stage>-dlq-not-empty`',
        '## Commands',
        '[up](#the-admin-cli-b2a) [second](#commands-1) [alarm](#b2a-stage-dlq-not-empty)',
        '[readme](../README.md) [tests](../test/) [aws](https://docs.aws.amazon.com/x.md#nowhere)',
        '`[not a link](missing.md)`',
        '```md',
        '[not a link either](missing.md)',
        '# Not a heading',
        '```',
      ].join('\n'),
      'README.md': '# b2a\n',
      'test/a.test.ts': '',
    });

    // Act
    const broken = brokenLinks('docs/cli.md', repo);

    // Assess
    expect(broken).toEqual([]);
    expect(headingAnchors(repo.read('docs/cli.md')!)).toEqual([
      'the-admin-cli-b2a',
      'commands',
      'b2a-stage-dlq-not-empty',
      'commands-1',
    ]);
  });

  it('makes anchors by GitHub slug rules', () => {
    // Act & Assess
    expect(githubSlug('Running b2a on your machine: `b2a local up`')).toBe(
      'running-b2a-on-your-machine-b2a-local-up',
    );
    expect(githubSlug('CI and deployment (GitHub Actions)')).toBe('ci-and-deployment-github-actions');
    expect(githubSlug('Cheap at 1M files/day')).toBe('cheap-at-1m-filesday');
    expect(githubSlug('`b2a toggle [on|off]`, `b2a toggle history`')).toBe(
      'b2a-toggle-onoff-b2a-toggle-history',
    );
    expect(githubSlug('snake_case and a - dash')).toBe('snake_case-and-a---dash');
    // A slug that a later heading would take as a suffix is skipped (github-slugger's loop).
    expect(headingAnchors('# a\n# a\n# a-1\n')).toEqual(['a', 'a-1', 'a-1-1']);
  });

  it('finds repository paths in help text, not placeholders, absolute paths, URLs or example keys', () => {
    // Prepare
    const text = [
      'See docs/gone/local.md for the config file, or README.md.',
      'Drop files into <data-dir>/inbox/ (config: <data-dir>/config.json).',
      '$ b2a local up --api-url http://127.0.0.1:8080/ingest --data-dir /tmp/b2a',
      '$ b2a reprocess invoices/2026/11/a.csv s3://<bucket>/<key>',
      'Built by cli/program.ts.',
    ].join('\n');

    // Act
    const paths = repoPathsIn(text, ['cli', 'docs', 'README.md']);

    // Assess
    expect(paths).toEqual(['docs/gone/local.md', 'README.md', 'cli/program.ts']);
  });
});
