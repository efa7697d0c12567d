import { describe, expect, it } from '@jest/globals';
import { RuntimeEvents, type RuntimeEvent } from '../../../../pipeline-functions/local/events.js';
import { RuntimeLog, type LogEntry } from '../../../../pipeline-functions/local/log.js';

const deadLetter: RuntimeEvent = { type: 'dead-letter', messageId: 'm1', reason: 'poison' };

describe('Class: RuntimeEvents', () => {
  it('tells every listener until it unsubscribes', () => {
    // Prepare
    const events = new RuntimeEvents(new RuntimeLog());
    const heard: string[] = [];
    const unsubscribe = events.on((event) => heard.push(`first ${event.type}`));
    events.on((event) => heard.push(`second ${event.type}`));
    // Act
    events.emit(deadLetter);
    unsubscribe();
    events.emit(deadLetter);
    // Assess
    expect(heard).toEqual(['first dead-letter', 'second dead-letter', 'second dead-letter']);
  });

  it('logs a failing listener and still tells the others', () => {
    // Prepare
    const entries: LogEntry[] = [];
    const events = new RuntimeEvents(new RuntimeLog((entry) => entries.push(entry)));
    const heard: RuntimeEvent[] = [];
    events.on(() => {
      throw new TypeError('listener bug');
    });
    events.on((event) => heard.push(event));
    // Act
    events.emit(deadLetter);
    // Assess
    expect(heard).toEqual([deadLetter]);
    expect(entries).toEqual([
      expect.objectContaining({
        level: 'error',
        event: 'listener',
        message: 'a runtime event listener failed on dead-letter: TypeError: listener bug',
      }),
    ]);
  });
});
