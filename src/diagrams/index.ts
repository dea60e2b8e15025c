/**
 * Space-time diagrams of simulated runs: SVG for pages, text for terminals.
 * Pure TypeScript, no DOM and no Node APIs: runs at build time and in the browser.
 * @module
 */
export { renderDiagram, layoutToSvg, esc } from './svg.ts';
export type { RenderedDiagram } from './svg.ts';
export { layoutRun, describeOp, describeMessage, NARROW_BELOW, NARROW_FIT } from './layout.ts';
export type { RunLayout, ArrowLayout, BarLayout, DotLayout, LabelLayout, LaneLayout, MarkLayout, RegionLayout, BreakLayout, TickLayout, LegendKey } from './layout.ts';
export { describeRun, describeEvent, summarizeRun, storyEvents } from './describe.ts';
export type { RunDescription } from './describe.ts';
export { buildCausality, causalCone, happenedBefore, concurrent } from './causality.ts';
export type { Causality } from './causality.ts';
export { pairMessages, pairOps, laneOf, defaultAnnotate, fmtMs, shortJSON, msgType } from './model.ts';
export type { MessageInfo, MessageOutcome, OpInfo } from './model.ts';
export { textTimeline } from './text-timeline.ts';
export type { TextTimelineOptions } from './text-timeline.ts';
export { renderRunForLearner } from './learner.ts';
export type { LearnerFailure, LearnerRun } from './learner.ts';
export { DIAGRAM_CSS } from './style.ts';
export type { Annotate, DiagramOptions, Highlight, ConeSets } from './types.ts';
