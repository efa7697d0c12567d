/** The enabled flag as plain text (`b2a toggle` prints no ink, so that it starts fast). */
import { styleText } from 'node:util';
import type { FlagChange } from '../../pipeline-functions/core/ports.js';
import type { FlagSetResult, FlagState } from '../../pipeline-functions/core/use-cases/admin/flag.js';
import { formatTime } from './format.js';
import { renderTable, type Column } from './table.js';

const word = (enabled: boolean, color: boolean): string => {
  const text = enabled ? 'ON' : 'OFF';
  return color ? styleText(['bold', enabled ? 'green' : 'red'], text) : text;
};

const by = (change: FlagChange): string => change.by ?? 'unknown';

/** `b2a toggle`: the state and its last change. */
export function renderFlagState(state: FlagState, color: boolean): string {
  const last = state.lastChange
    ? `, since ${formatTime(state.lastChange.at)} by ${by(state.lastChange)}`
    : '';
  const off = state.enabled
    ? ''
    : '\nNew objects are recorded as SKIPPED; reprocess them with: b2a reprocess --skipped';
  return `b2a is ${word(state.enabled, color)} in ${state.environment}${last}${off}`;
}

/** `b2a toggle on|off`: what changed. */
export function renderFlagSet(result: FlagSetResult, color: boolean): string {
  return result.changed
    ? `b2a is now ${word(result.enabled, color)} in ${result.environment} (was ${word(result.previous, color)})`
    : `b2a was already ${word(result.enabled, color)} in ${result.environment}: nothing changed`;
}

const HISTORY_COLUMNS: readonly Column<FlagChange>[] = [
  { header: 'AT', value: (c) => formatTime(c.at), width: 20 },
  { header: 'STATE', value: (c) => (c.enabled ? 'ON' : 'OFF'), width: 5 },
  { header: 'BY', value: by, truncate: true },
];

/** `b2a toggle history`: newest first. */
export function renderFlagHistory(changes: readonly FlagChange[], maxWidth: number): string {
  return changes.length === 0 ? 'No changes recorded.' : renderTable(HISTORY_COLUMNS, changes, maxWidth);
}
