/** The enabled flag as plain text (`b2a toggle` prints no ink, so that it starts fast). */
import { styleText } from 'node:util';
import { readFlagValue } from '../../pipeline-functions/core/flag.js';
import type { FlagChange, FlagReading } from '../../pipeline-functions/core/ports.js';
import type { FlagSetResult, FlagState } from '../../pipeline-functions/core/use-cases/admin/flag.js';
import { formatTime } from './format.js';
import { renderTable, type Column } from './table.js';

const WORDS: Readonly<Record<FlagReading['state'], { text: string; color: 'green' | 'red' | 'yellow' }>> = {
  on: { text: 'ON', color: 'green' },
  off: { text: 'OFF', color: 'red' },
  hold: { text: 'HOLD', color: 'yellow' },
  'not-understood': { text: 'HOLD', color: 'yellow' },
};

const word = (value: FlagReading['state'], color: boolean): string => {
  const { text, color: hue } = WORDS[value];
  return color ? styleText(['bold', hue], text) : text;
};

const by = (change: FlagChange): string => change.by ?? 'unknown';

/** What each value means for new objects, under the state line. */
const CONSEQUENCE: Readonly<Record<FlagReading['state'], string>> = {
  on: '',
  off: '\nNew objects are recorded as SKIPPED; reprocess them with: b2a reprocess --skipped',
  hold: '\nDeliveries wait (nothing is SKIPPED, no attempt spent); resume with: b2a toggle on',
  'not-understood': '\nDeliveries wait (nothing is SKIPPED, no attempt spent); resume with: b2a toggle on',
};

/** `b2a toggle`: the state and its last change. */
export function renderFlagState(state: FlagState, color: boolean): string {
  const last = state.lastChange
    ? `, since ${formatTime(state.lastChange.at)} by ${by(state.lastChange)}`
    : '';
  const detail = state.detail ? ` (${state.detail})` : '';
  return `b2a is ${word(state.value, color)} in ${state.environment}${detail}${last}${CONSEQUENCE[state.value]}`;
}

/** `b2a toggle on|off|hold`: what changed, the pipe included. */
export function renderFlagSet(result: FlagSetResult, color: boolean): string {
  const flag = result.changed
    ? `b2a is now ${word(result.value, color)} in ${result.environment} (was ${word(result.previous, color)})`
    : `b2a was already ${word(result.value, color)} in ${result.environment}: ${result.pipe ? 'the flag did not change' : 'nothing changed'}`;
  if (!result.pipe) return flag;
  const held = result.pipe.action === 'stopped' ? '; messages wait in the source queue' : '';
  return `${flag}\nPipe ${result.pipe.action === 'stopped' ? 'stopping' : 'starting'} (${result.pipe.state})${held}`;
}

const HISTORY_COLUMNS: readonly Column<FlagChange>[] = [
  { header: 'AT', value: (c) => formatTime(c.at), width: 20 },
  { header: 'STATE', value: (c) => historyWord(c), width: 5 },
  { header: 'BY', value: by, truncate: true },
];

/** Changes recorded before hold existed carry no value: on or off, as `enabled` says. */
function historyWord(change: FlagChange): string {
  if (change.value === undefined) return change.enabled ? 'ON' : 'OFF';
  const reading = readFlagValue(change.value);
  return reading.state === 'not-understood' ? 'HOLD?' : WORDS[reading.state].text;
}

/** `b2a toggle history`: newest first. */
export function renderFlagHistory(changes: readonly FlagChange[], maxWidth: number): string {
  return changes.length === 0 ? 'No changes recorded.' : renderTable(HISTORY_COLUMNS, changes, maxWidth);
}
