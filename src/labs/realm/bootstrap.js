/*
 * Runs first in the learner's realm (a node:vm context with nothing but JavaScript's own
 * built-ins): gives lab code the globals it may use, and a module loader that knows only
 * the lab's files. Evaluated as a function expression:
 *   bootstrap(makeMembraneHalf, sendToHost, optionsJson) -> receive (the host's only way in)
 *
 * There is no `process`, `require`, `fetch`, file system or timer here. Host time and
 * randomness go through the host's guard, which refuses them while a simulation runs (the
 * same rule as everywhere else, with the same message).
 */
(function bootstrap(makeMembraneHalf, sendToHost, optionsJson) {
  'use strict';
  const G = globalThis;
  const R = G.Reflect;
  const apply = R.apply;
  const ErrorCtor = G.Error;
  const StringCtor = G.String;
  const MapCtor = G.Map;
  const mapGet = G.Map.prototype.get;
  const mapSet = G.Map.prototype.set;
  const jsonStringify = G.JSON.stringify;
  const push = G.Array.prototype.push;
  const join = G.Array.prototype.join;
  const split = G.String.prototype.split;
  const slice = G.Array.prototype.slice;
  const startsWith = G.String.prototype.startsWith;
  const endsWith = G.String.prototype.endsWith;
  const options = G.JSON.parse(optionsJson);
  const sources = new MapCtor(); // path -> factory
  const loaded = new MapCtor(); // path -> module
  let sealed = false;

  // The host's services (guard, log, clock), reached only through this closure.
  let host;
  const loader = {
    require(path) {
      return requireFrom('', StringCtor(path));
    },
    seal() {
      sealed = true;
      R.deleteProperty(G, '__faultlinesRegister');
    },
  };
  const half = makeMembraneHalf(sendToHost, '{"side":"realm"}', loader);
  host = half.remoteRoot();

  // ---- modules -------------------------------------------------------------------------
  R.defineProperty(G, '__faultlinesRegister', {
    value(path, factory) {
      if (sealed) throw new ErrorCtor('the lab is already loaded');
      apply(mapSet, sources, [StringCtor(path), factory]);
    },
    configurable: true,
  });

  function normalize(parts) {
    const out = [];
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (p === '' || p === '.') continue;
      if (p === '..') {
        if (!out.length) return undefined;
        out.length -= 1;
      } else push.call(out, p);
    }
    return apply(join, out, ['/']);
  }
  function resolve(fromFile, spec) {
    const dir = apply(slice, apply(split, fromFile, ['/']), [0, -1]);
    const parts = apply(split, spec, ['/']);
    const base = normalize(apply(G.Array.prototype.concat, dir, [parts]));
    if (base === undefined) return undefined;
    const tries = [base, base + '.ts', base + '.tsx', base + '/index.ts'];
    if (apply(endsWith, base, ['.js'])) push.call(tries, apply(G.String.prototype.slice, base, [0, -3]) + '.ts');
    for (let i = 0; i < tries.length; i++) if (apply(mapGet, sources, [tries[i]]) !== undefined) return tries[i];
    return undefined;
  }
  const typesOnly = (file, spec) =>
    new G.Proxy(G.Object.freeze({}), {
      get(_t, key) {
        if (key === '__esModule') return true;
        if (typeof key === 'symbol') return undefined;
        throw new ErrorCtor(
          `${file} uses ${StringCtor(key)} from '${spec}' when it runs: a lab file may import only types from '${spec}' ` +
            '(and values from the lab\'s own files).',
        );
      },
    });
  function requireFrom(fromFile, spec) {
    const relative = apply(startsWith, spec, ['./']) || apply(startsWith, spec, ['../']);
    if (spec === 'faultlines' || apply(startsWith, spec, ['faultlines/'])) return typesOnly(fromFile || 'a lab file', spec);
    const path = relative ? resolve(fromFile, spec) : fromFile ? undefined : resolve('', spec);
    if (path === undefined) {
      throw new ErrorCtor(
        `${fromFile || 'the tests'} imports '${spec}': a lab file may import only the lab's own files ` +
          `(like './${options.example}') and types from 'faultlines'.`,
      );
    }
    const cached = apply(mapGet, loaded, [path]);
    if (cached !== undefined) return cached.exports;
    const module = { exports: {} };
    apply(mapSet, loaded, [path, module]);
    const factory = apply(mapGet, sources, [path]);
    apply(factory, undefined, [module.exports, (s) => requireFrom(path, StringCtor(s)), module]);
    return module.exports;
  }

  // ---- host time, randomness and timers ------------------------------------------------
  function refused(api) {
    const message = host.guard(api, StringCtor(new ErrorCtor().stack));
    if (!message) return;
    const e = new ErrorCtor(message);
    R.defineProperty(e, 'name', { value: 'HostNondeterminismError', writable: true, configurable: true });
    throw e;
  }
  const guarded = (api, real) =>
    function () {
      refused(api);
      return apply(real, this, arguments);
    };
  const define = (owner, key, value) => R.defineProperty(owner, key, { value, writable: true, configurable: true });
  define(G.Math, 'random', guarded('Math.random()', G.Math.random));
  const RealDate = G.Date;
  define(RealDate, 'now', guarded('Date.now()', () => host.now('wall')));
  const DateProxy = new G.Proxy(RealDate, {
    construct(target, args, newTarget) {
      if (args.length === 0) {
        refused('new Date()');
        return R.construct(target, [host.now('wall')], newTarget);
      }
      return R.construct(target, args, newTarget);
    },
    apply(target) {
      refused('Date()');
      return StringCtor(new target(host.now('wall')));
    },
  });
  define(G, 'Date', DateProxy);
  define(G, 'performance', G.Object.freeze({ now: guarded('performance.now()', () => host.now('monotonic')) }));
  for (const name of ['setTimeout', 'setInterval', 'setImmediate']) {
    define(G, name, function () {
      refused(name + '()');
      throw new ErrorCtor(`${name}() is not available to lab code: use the simulation's timers (ctx.setTimer and onTimer, or await ctx.sleep).`);
    });
  }
  for (const name of ['clearTimeout', 'clearInterval', 'clearImmediate']) define(G, name, function () {});
  define(G, 'queueMicrotask', (fn) => {
    G.Promise.resolve().then(() => fn());
  });

  // ---- console: text only, to the host ------------------------------------------------
  function show(x, depth) {
    if (typeof x === 'string') return x;
    if (typeof x !== 'object' || x === null) return typeof x === 'symbol' ? x.toString() : StringCtor(x);
    try {
      if (x instanceof ErrorCtor) return x.stack || StringCtor(x);
      if (depth > 2) return G.Array.isArray(x) ? '[Array]' : '[Object]';
      if (x instanceof MapCtor) return `Map(${x.size}) { ${[...x].map(([k, v]) => `${show(k, depth + 1)} => ${show(v, depth + 1)}`).join(', ')} }`;
      if (x instanceof G.Set) return `Set(${x.size}) { ${[...x].map((v) => show(v, depth + 1)).join(', ')} }`;
      if (G.Array.isArray(x)) return `[ ${x.map((v) => show(v, depth + 1)).join(', ')} ]`;
      const name = x.constructor && x.constructor !== G.Object ? x.constructor.name + ' ' : '';
      return `${name}{ ${G.Object.keys(x).map((k) => `${k}: ${typeof x[k] === 'string' ? `'${x[k]}'` : show(x[k], depth + 1)}`).join(', ')} }`;
    } catch (e) {
      return '[unprintable]';
    }
  }
  const consoleObject = {};
  for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace']) {
    consoleObject[level] = function () {
      const parts = [];
      for (let i = 0; i < arguments.length; i++) push.call(parts, show(arguments[i], 0));
      host.log(level, apply(join, parts, [' ']));
    };
  }
  define(G, 'console', G.Object.freeze(consoleObject));

  // Blocking the thread (Atomics.wait on a shared buffer) is a hang a stall timer cannot see.
  R.deleteProperty(G.Atomics, 'wait');
  R.deleteProperty(G.Atomics, 'waitAsync');

  // V8 hands Error.prepareStackTrace the frames of the whole stack, the host's included:
  // lab code does not get to install one.
  // Nor a new Error in its place (V8 reads the hook from the realm's global Error).
  R.defineProperty(ErrorCtor, 'prepareStackTrace', { value: undefined, writable: false, configurable: false });
  R.defineProperty(G, 'Error', { value: ErrorCtor, writable: false, configurable: false, enumerable: false });

  return half.receive;
});
