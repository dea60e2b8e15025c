/**
 * Options and results of the space-time diagram renderer.
 * @module
 */
import type { TraceEvent } from '../sim/trace.ts';

/** A short label for an event (drawn beside it), or undefined for none. */
export type Annotate = (event: TraceEvent, index: number) => string | undefined;

/** Things to draw attention to; everything else is dimmed. */
export interface Highlight {
  /** Indexes into `trace.events`. */
  events?: readonly number[];
  /** Message ids. */
  messages?: readonly number[];
  /** Operation ids, as the linearizability checker numbers them. */
  ops?: readonly number[];
  /** Nodes or clients (their lanes). */
  nodes?: readonly string[];
}

/** The happened-before cone of one event (see causality.ts). */
export interface ConeSets {
  focus: number;
  past: ReadonlySet<number>;
  future: ReadonlySet<number>;
}

export interface DiagramOptions {
  /** Time window, ms (default: the whole run). */
  from?: number;
  to?: number;
  /** Lanes to show (nodes and clients), default all; order follows the trace. */
  nodes?: readonly string[];
  /** Show client lanes (default true). */
  clients?: boolean;
  /** Collapse long quiet gaps (default true; a number is the smallest gap to collapse, ms). */
  compress?: boolean | number;
  /** Fixed density in px per ms (default: automatic). */
  pxPerMs?: number;
  /** A hover title on every arrow and mark (default true). Off where nobody can hover: a phone. */
  tooltips?: boolean;
  /**
   * Largest height of the whole picture in px. Unset, the picture aims for 1500 px but grows
   * rather than squash a busy run's events together; set, it is a hard limit.
   */
  maxHeight?: number;
  /** Smallest height of the plot area in px (default 0). */
  minHeight?: number;
  /** Width of one lane in px (default: fits about 640 px, between 104 and 170). */
  laneWidth?: number;
  /**
   * Lay the picture out to fit about this many px wide (a phone), instead of `laneWidth`:
   * a narrower time axis, lanes sharing the width, and a margin for the last lane's labels.
   */
  fitWidth?: number;
  /** Draw timer firings as small ticks (default false). */
  timers?: boolean;
  /** Labels on message arrows: 'auto' (when there are few), 'all' or 'none'. */
  messageLabels?: 'auto' | 'all' | 'none';
  /** Labels beside events (default: {@link defaultAnnotate} for logs). */
  annotate?: Annotate;
  highlight?: Highlight;
  /** Colour an event's causal past and future. */
  cone?: ConeSets;
  /** The event the reader has stepped to (index into trace.events). */
  current?: number;
  /** Prefix for ids inside the SVG (patterns), unique per page. */
  idPrefix?: string;
  /** Accessible name and description (default: generated). */
  title?: string;
  description?: string;
  /** Make arrows, bars and event dots keyboard-focusable (interactive diagrams). */
  focusable?: boolean;
  /** Put the stylesheet inside the SVG (default true), so a saved SVG is self-contained. */
  embedStyle?: boolean;
  /** Labels for operations (op index → text), e.g. linearization order badges. */
  opBadges?: ReadonlyMap<number, string>;
}
