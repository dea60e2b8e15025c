import type { HistoryEvent } from '../history.ts';

/** What a format parser returns: events (time = line number), the line of each event. */
export interface ParsedEvents {
  history: HistoryEvent[];
  /** 1-based source line of each event. */
  lines: number[];
  /** Non-empty lines that were ignored (other log output, nemesis events). */
  skipped: number;
  /** Time unit of the events' `time` (default 'line'). */
  timeUnit?: string;
  /** Model named in the file itself (JSON format only). */
  modelHint?: string;
}
