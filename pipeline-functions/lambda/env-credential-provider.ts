/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles only (an esbuild alias in
 * the stack's `BUNDLING`). Every SDK client's runtime config imports that package's `defaultProvider`
 * statically, and with it the whole default chain: ini, SSO, process, web identity, IMDS and the
 * nested STS/SSO/sign-in clients, about 100 KiB of each bundle that a function never runs. Lambda
 * puts the execution role's credentials in `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
 * `AWS_SESSION_TOKEN` (reserved variables:
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime),
 * and the composition root gives every client `fromEnv()` anyway: this default is never called.
 * The CLI and the local runtime import the real package (their admins' profiles, SSO, env).
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

/** The environment variables' credentials: the only source a Lambda function has. */
export const defaultProvider: typeof fromEnv = (init) => fromEnv(init);
