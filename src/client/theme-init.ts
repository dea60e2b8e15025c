/**
 * The one inline script of every page: before first paint, set the stored theme, else the
 * system's, so there is no flash of the wrong theme. Base.astro inlines this exact text, and
 * the Content-Security-Policy allows it by its hash (src/offline/csp.ts), so keep it short
 * and dependency-free. src/client/theme.ts does the rest, later.
 */
export const THEME_INIT_SCRIPT =
  "(function(){var t=null;try{t=localStorage.getItem('faultlines:theme')}catch(e){}" +
  "if(t!=='light'&&t!=='dark')t=matchMedia('(prefers-color-scheme: dark)').matches?'dark':'light';" +
  'document.documentElement.dataset.theme=t})();';
