/**
 * The CDK app, run by the CDK CLI through tsx (see cdk.json): `npx cdk synth`, `npx cdk deploy b2a-dev`.
 * One stack per stage in infra/config; the CLI bundles the functions of the stacks it deploys only.
 */
import { buildApp } from '../infra/app.js';

const { app } = buildApp();
app.synth();
