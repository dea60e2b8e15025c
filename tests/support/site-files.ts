/**
 * Static checks over a built site: every page, every internal link resolving to a built file
 * under the base path, and no reference that would make a page load something from another origin.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Every file under dir, with forward slashes, relative to dir. */
export function filesIn(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(dir, full).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** Built pages as URL paths under base: 'index.html' → '/', 'chapters/x/index.html' → '/chapters/x/'. */
export function pagePaths(dist: string, base = '/'): string[] {
  return filesIn(dist)
    .filter((f) => f.endsWith('.html'))
    .map((f) => base + f.replace(/(^|\/)index\.html$/, '$1'));
}

export interface Reference {
  page: string;
  attribute: string;
  value: string;
}

/** URL-valued attributes of a page (a naive scan: enough for HTML that Astro writes). */
export function references(html: string, page: string): Reference[] {
  const out: Reference[] = [];
  const re = /\s(href|src|action|poster|srcset|data-src)\s*=\s*("([^"]*)"|'([^']*)')/gi;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    out.push({ page, attribute: m[1]!.toLowerCase(), value: (m[3] ?? m[4] ?? '').replace(/&amp;/g, '&') });
  }
  return out;
}

/** Does the built site have a file for this absolute path (directory URLs need index.html)? */
function resolves(dist: string, base: string, path: string): boolean {
  if (!path.startsWith(base)) return false;
  const rest = decodeURIComponent(path.slice(base.length));
  if (rest === '' || rest.endsWith('/')) return existsSync(join(dist, rest, 'index.html'));
  return existsSync(join(dist, rest)) || existsSync(join(dist, rest, 'index.html'));
}

/** Internal links and assets that point nowhere in the build, or outside the base path. */
export function brokenLinks(dist: string, base = '/'): string[] {
  const broken: string[] = [];
  for (const file of filesIn(dist).filter((f) => f.endsWith('.html'))) {
    const html = readFileSync(join(dist, file), 'utf8');
    for (const ref of references(html, file)) {
      const v = ref.value.trim();
      if (!v || v.startsWith('#') || /^(mailto|tel|data|blob|javascript):/i.test(v) || /^[a-z][\w+.-]*:\/\//i.test(v) || v.startsWith('//')) continue;
      if (ref.attribute === 'srcset') continue;
      // Relative links resolve against the page's own URL.
      const pageUrl = new URL(base + file.replace(/(^|\/)index\.html$/, '$1'), 'http://site.invalid');
      const target = new URL(v, pageUrl);
      if (!resolves(dist, base, target.pathname)) broken.push(`${file}: ${ref.attribute}="${v}"`);
    }
  }
  return broken;
}

/**
 * References that would load something from another origin: src, srcset, <link href> (styles,
 * icons, preloads, the manifest) in pages, url() and @import in CSS. A plain <a href> to
 * another site is fine: following it is the reader's choice, not a request the page makes.
 */
export function foreignLoads(dist: string): string[] {
  const found: string[] = [];
  const foreign = (v: string) => /^(https?:)?\/\//i.test(v.trim());
  for (const file of filesIn(dist)) {
    if (file.endsWith('.html')) {
      const html = readFileSync(join(dist, file), 'utf8');
      for (const ref of references(html, file)) {
        if (ref.attribute === 'href') continue;
        if (ref.value.split(',').some((part) => foreign(part))) found.push(`${file}: ${ref.attribute}="${ref.value}"`);
      }
      for (const m of html.matchAll(/<link\b[^>]*>/gi)) {
        const href = /\shref\s*=\s*"([^"]*)"/i.exec(m[0])?.[1];
        if (href && foreign(href)) found.push(`${file}: ${m[0]}`);
      }
      for (const m of html.matchAll(/<meta\b[^>]*http-equiv="refresh"[^>]*>/gi)) found.push(`${file}: ${m[0]}`);
    } else if (file.endsWith('.css')) {
      const css = readFileSync(join(dist, file), 'utf8');
      for (const m of css.matchAll(/url\(\s*['"]?([^'")]+)|@import\s+['"]([^'"]+)/g)) {
        const v = m[1] ?? m[2] ?? '';
        if (foreign(v)) found.push(`${file}: ${v}`);
      }
    }
  }
  return found;
}

/**
 * Reads a Netlify / Cloudflare Pages `_headers` file into a function from URL path to headers,
 * as those hosts apply it: every block whose path pattern matches (`*` matches anything) adds
 * its headers.
 */
export function headersFromFile(text: string): (urlPath: string) => Record<string, string> {
  const rules: { pattern: RegExp; headers: Record<string, string> }[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      const pattern = new RegExp(`^${line.trim().split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
      rules.push({ pattern, headers: {} });
      continue;
    }
    const i = line.indexOf(':');
    const rule = rules[rules.length - 1];
    if (rule && i > 0) rule.headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return (urlPath) => Object.assign({}, ...rules.filter((r) => r.pattern.test(urlPath)).map((r) => r.headers)) as Record<string, string>;
}
