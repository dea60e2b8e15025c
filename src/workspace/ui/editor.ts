/**
 * The code editor: CodeMirror 6 with TypeScript, the usual shortcuts, and colours taken
 * from the site's CSS variables so it follows the light and dark themes without reloading.
 */
import { closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { javascript } from '@codemirror/lang-javascript';
import { bracketMatching, HighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search';
import { EditorState, type Extension } from '@codemirror/state';
import {
  crosshairCursor,
  drawSelection,
  dropCursor,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
  rectangularSelection,
} from '@codemirror/view';
import { tags as t } from '@lezer/highlight';

/** Token colours are CSS variables (workspace.css defines them for both themes). */
const highlight = HighlightStyle.define([
  { tag: [t.keyword, t.operatorKeyword, t.modifier, t.controlKeyword], color: 'var(--tok-keyword)' },
  { tag: [t.string, t.special(t.string), t.regexp], color: 'var(--tok-string)' },
  { tag: [t.number, t.bool, t.null, t.atom], color: 'var(--tok-number)' },
  { tag: [t.comment, t.lineComment, t.blockComment, t.docComment], color: 'var(--tok-comment)', fontStyle: 'italic' },
  { tag: [t.typeName, t.className, t.namespace], color: 'var(--tok-type)' },
  { tag: [t.function(t.variableName), t.function(t.propertyName)], color: 'var(--tok-function)' },
  { tag: [t.definition(t.variableName), t.definition(t.propertyName)], color: 'var(--tok-definition)' },
  { tag: t.propertyName, color: 'var(--tok-property)' },
  { tag: [t.punctuation, t.bracket, t.operator], color: 'var(--tok-punctuation)' },
  { tag: t.invalid, color: 'var(--tok-invalid)' },
]);

const chrome = EditorView.theme({
  '&': { color: 'var(--text)', backgroundColor: 'var(--code-bg)', fontSize: '0.86rem', height: '100%' },
  '.cm-content': { fontFamily: 'var(--font-mono)', fontVariantLigatures: 'none', caretColor: 'var(--text)', padding: '0.5rem 0' },
  '.cm-scroller': { fontFamily: 'var(--font-mono)', lineHeight: '1.55', overflow: 'auto' },
  '.cm-gutters': { backgroundColor: 'var(--code-bg)', color: 'var(--text-muted)', border: 'none', borderRight: '1px solid var(--border)' },
  '.cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--accent) 7%, transparent)' },
  '.cm-activeLineGutter': { backgroundColor: 'color-mix(in srgb, var(--accent) 12%, transparent)', color: 'var(--text)' },
  '&.cm-focused': { outline: '2px solid var(--focus)', outlineOffset: '-2px' },
  '&.cm-focused .cm-cursor': { borderLeftColor: 'var(--text)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': { backgroundColor: 'color-mix(in srgb, var(--focus) 30%, transparent) !important' },
  '.cm-tooltip': { backgroundColor: 'var(--bg-raised)', color: 'var(--text)', border: '1px solid var(--border)' },
  '.cm-panels': { backgroundColor: 'var(--bg-raised)', color: 'var(--text)' },
  '.cm-searchMatch': { backgroundColor: 'color-mix(in srgb, var(--accent) 25%, transparent)' },
});

/** Extensions shared by every editor in the workspace. */
export function baseExtensions(): Extension[] {
  return [
    lineNumbers(),
    highlightActiveLineGutter(),
    highlightSpecialChars(),
    history(),
    drawSelection(),
    dropCursor(),
    EditorState.allowMultipleSelections.of(true),
    indentOnInput(),
    syntaxHighlighting(highlight),
    bracketMatching(),
    closeBrackets(),
    rectangularSelection(),
    crosshairCursor(),
    highlightActiveLine(),
    highlightSelectionMatches(),
    // Tab indents; Escape then Tab leaves the editor (CodeMirror's documented escape hatch).
    keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, indentWithTab]),
    javascript({ typescript: true }),
    chrome,
    EditorState.tabSize.of(2),
  ];
}

export function editorState(doc: string, opts: { readOnly: boolean; onChange?: (doc: string) => void; label: string }): EditorState {
  const extensions = [
    ...baseExtensions(),
    // An explicit tabindex: assistive checks (axe) then see the scroller's content as focusable.
    EditorView.contentAttributes.of({ 'aria-label': opts.label, tabindex: '0' }),
  ];
  // Read-only files stay focusable, so keyboard users can scroll, search and copy them.
  if (opts.readOnly) extensions.push(EditorState.readOnly.of(true));
  if (opts.onChange) {
    const cb = opts.onChange;
    extensions.push(EditorView.updateListener.of((u) => { if (u.docChanged) cb(u.state.doc.toString()); }));
  }
  return EditorState.create({ doc, extensions });
}
