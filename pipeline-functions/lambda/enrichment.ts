/** Lambda entry point of the pipe's enrichment step. */
import type { Context } from 'aws-lambda';
import type { PipeSqsRecord } from '../handlers/enrichment.js';
import { runEnrichment } from './composition-root.js';

export const handler = (event: readonly PipeSqsRecord[], context: Context) => runEnrichment(event, context);
