/** Lambda entry point of the pipe's target step. */
import type { Context } from 'aws-lambda';
import type { EnrichedItem } from '../core/outcome.js';
import { runTarget } from './composition-root.js';

export const handler = (event: readonly EnrichedItem[], context: Context) => runTarget(event, context);
