/**
 * Every deployable stage, by name. The CDK app creates one stack (`b2a-<stage>`) for each.
 */
import { demo } from './demo.js';
import { dev } from './dev.js';
import { prod } from './prod.js';
import type { StageConfig } from './stage-config.js';

export const STAGES: Readonly<Record<string, StageConfig>> = { dev, demo, prod };
