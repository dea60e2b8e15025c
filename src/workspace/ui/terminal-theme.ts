/** xterm colours from the site's theme, so the terminal matches light and dark. */
import type { ITheme } from '@xterm/xterm';

export function terminalTheme(): ITheme {
  const dark = document.documentElement.dataset.theme === 'dark';
  // ANSI colours chosen for contrast on each background (WCAG AA for normal text).
  return dark
    ? {
        background: '#101317', foreground: '#e2e6eb', cursor: '#f59b62', selectionBackground: '#3a4656',
        black: '#1b1f26', red: '#ff7b72', green: '#56d37a', yellow: '#e3b341', blue: '#79c0ff', magenta: '#d2a8ff', cyan: '#56d4dd', white: '#e2e6eb',
        brightBlack: '#8b949e', brightRed: '#ffa198', brightGreen: '#7ee2a0', brightYellow: '#f2cc60', brightBlue: '#a5d6ff', brightMagenta: '#e2c5ff', brightCyan: '#b3f0ff', brightWhite: '#ffffff',
      }
    : {
        background: '#fbfaf7', foreground: '#1c2128', cursor: '#b3400b', selectionBackground: '#cfe0f5',
        black: '#1c2128', red: '#b42318', green: '#17663a', yellow: '#7a5300', blue: '#0b57b8', magenta: '#7d2fb8', cyan: '#0b6670', white: '#545d68',
        brightBlack: '#545d68', brightRed: '#a40e26', brightGreen: '#116329', brightYellow: '#6f4a00', brightBlue: '#0a4a9e', brightMagenta: '#6b23a3', brightCyan: '#085a62', brightWhite: '#1c2128',
      };
}
