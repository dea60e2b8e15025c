/*
 * One half of the membrane between the tests' realm (the host) and the learner's realm (a
 * node:vm context). The same source is evaluated once in each realm; each half uses only its
 * own realm's built-ins, every one captured when the half is made, before any learner code
 * runs, so that learner code that later replaces a built-in of its realm (Reflect.get,
 * Function.prototype.call, Array.prototype.toJSON, a setter on Object.prototype...) changes
 * nothing this file does.
 *
 * Why it holds:
 * - The halves exchange primitives only: JSON text this file writes itself (it never calls
 *   JSON.stringify on an object, so no toJSON of anyone's runs), and numbers, booleans,
 *   undefined and null as themselves. An object of one realm is never handed to code of the
 *   other; it is named by a number, and the other side sees a Proxy of its own realm whose
 *   every trap is a request ("get property x of object 7").
 * - What the host hands out: its objects by number, deeply frozen plain data (messages) as
 *   copies, and JavaScript's built-ins by name, so that the learner's side uses its own of
 *   that name: walking from a test's object to `constructor.constructor` reaches the
 *   learner's own Function. The built-ins that make code from strings (eval, Function and
 *   the async and generator function constructors) are never handed out at all, nor are
 *   native functions that are not built-ins (process.binding) or the host's process,
 *   console and the like.
 * - What the host accepts: requests about objects it handed out, and the learner's values as
 *   Proxies of the learner's realm. A function of the learner's realm is always such a
 *   Proxy, built-ins included, so a learner object whose method is "eval" makes the host run
 *   the learner's eval, in the learner's realm. By name the host accepts only built-in
 *   prototypes, as the answer to "what is this object's prototype" (so instanceof and
 *   toEqual work).
 * - The host refuses writes to its functions and prototypes and to `__proto__`: learner code
 *   may change the fields of the objects it is handed, not the tests' code.
 *
 * Evaluated as a function expression: makeMembraneHalf(sendRaw, optionsJson, root) returns
 * { receive, remoteRoot }.
 */
(function makeMembraneHalf(sendRaw, optionsJson, root) {
  'use strict';
  const G = globalThis;
  const R = {
    __proto__: null,
    apply: G.Reflect.apply,
    construct: G.Reflect.construct,
    get: G.Reflect.get,
    set: G.Reflect.set,
    has: G.Reflect.has,
    deleteProperty: G.Reflect.deleteProperty,
    ownKeys: G.Reflect.ownKeys,
    getOwnPropertyDescriptor: G.Reflect.getOwnPropertyDescriptor,
    defineProperty: G.Reflect.defineProperty,
    getPrototypeOf: G.Reflect.getPrototypeOf,
  };
  const apply = R.apply;
  const jsonStringify = G.JSON.stringify;
  const jsonParse = G.JSON.parse;
  const ObjectProto = G.Object.prototype;
  const ArrayProto = G.Array.prototype;
  const FunctionProto = G.Function.prototype;
  const isArray = G.Array.isArray;
  const isFrozen = G.Object.isFrozen;
  const freeze = G.Object.freeze;
  const createObject = G.Object.create;
  const ProxyCtor = G.Proxy;
  const MapCtor = G.Map;
  const WeakMapCtor = G.WeakMap;
  const WeakRefCtor = G.WeakRef;
  const Registry = G.FinalizationRegistry;
  const ErrorCtor = G.Error;
  const TypeErrorCtor = G.TypeError;
  const ERROR_CTORS = { __proto__: null, Error: G.Error, TypeError: G.TypeError, RangeError: G.RangeError, ReferenceError: G.ReferenceError, SyntaxError: G.SyntaxError, EvalError: G.EvalError, URIError: G.URIError };
  const StringCtor = G.String;
  const BigIntCtor = G.BigInt;
  const SymbolCtor = G.Symbol;
  const symbolFor = G.Symbol.for;
  const symbolKeyFor = G.Symbol.keyFor;
  const symbolDescription = R.getOwnPropertyDescriptor(G.Symbol.prototype, 'description').get;
  const bind = G.Function.prototype.bind;
  const fnToString = G.Function.prototype.toString;
  const strEndsWith = G.String.prototype.endsWith;
  const strStartsWith = G.String.prototype.startsWith;
  const strIncludes = G.String.prototype.includes;
  const method = (fn) => (self, a, b) => apply(fn, self, [a, b]);
  const mget = method(G.Map.prototype.get);
  const mset = method(G.Map.prototype.set);
  const mhas = method(G.Map.prototype.has);
  const mdelete = method(G.Map.prototype.delete);
  const msize = R.getOwnPropertyDescriptor(G.Map.prototype, 'size').get;
  const wget = method(G.WeakMap.prototype.get);
  const wset = method(G.WeakMap.prototype.set);
  const wdelete = method(G.WeakMap.prototype.delete);
  const deref = method(G.WeakRef.prototype.deref);
  const register = method(G.FinalizationRegistry.prototype.register);
  const endsWith = (s, x) => apply(strEndsWith, s, [x]);
  const startsWith = (s, x) => apply(strStartsWith, s, [x]);
  const includes = (s, x) => apply(strIncludes, s, [x]);
  /** A data descriptor with no prototype: nothing inherited (a learner's Object.prototype.get) can change what it says. */
  const dataDesc = (value, enumerable) => ({ __proto__: null, value, writable: true, enumerable: !!enumerable, configurable: true });
  // The host's realm is never patched, so it appends plainly; the learner's side defines the
  // element, so that no setter on its Array.prototype sees or changes a frame being built.
  let append = (arr, v) => R.defineProperty(arr, arr.length, dataDesc(v, true));
  // Frames come from JSON.parse (every index an own data property) or from this file: reading
  // an index runs no getter. Arrays of the other realm never reach this.
  const at = (arr, i) => arr[i];

  const options = jsonParse(optionsJson);
  const isHost = options.side === 'host';
  if (isHost) {
    append = (arr, v) => {
      arr[arr.length] = v;
    };
  }

  // ---- writing the frames: JSON text, by this file's own code ----------------------------
  // A frame is arrays of strings, numbers and booleans that this file built. JSON.stringify
  // of it runs no one's code as long as no toJSON can be found on an array: none on
  // Array.prototype or Object.prototype, and nothing else in between. The host's realm is
  // never patched; the learner's is checked before every frame (a plain look at two
  // ordinary objects, which runs no code), and written by hand when the check fails.
  const ownToJSON = (o) => R.getOwnPropertyDescriptor(o, 'toJSON') !== undefined;
  const frameText = (x) =>
    isHost || (R.getPrototypeOf(ArrayProto) === ObjectProto && !ownToJSON(ArrayProto) && !ownToJSON(ObjectProto))
      ? jsonStringify(x)
      : serialize(x);
  function serialize(x) {
    switch (typeof x) {
      case 'string':
        return jsonStringify(x); // a primitive: JSON.stringify looks up no toJSON
      case 'number':
        return x === x && x !== Infinity && x !== -Infinity ? '' + x : 'null';
      case 'boolean':
        return x ? 'true' : 'false';
      case 'undefined':
        return 'null';
    }
    if (x === null) return 'null';
    if (!isArray(x)) throw new TypeErrorCtor('membrane: cannot send that');
    let out = '[';
    const n = x.length;
    for (let i = 0; i < n; i++) out += (i ? ',' : '') + serialize(at(x, i));
    return out + ']';
  }

  // ---- objects this side never hands out ------------------------------------------------
  const withheld = new WeakMapCtor();
  const withhold = (v) => {
    if ((typeof v === 'object' && v !== null) || typeof v === 'function') wset(withheld, v, true);
  };
  // The built-ins that make code from strings.
  const CODE = [G.eval, G.Function];
  const hiddenCtor = (make) => {
    try {
      return R.getPrototypeOf(make()).constructor;
    } catch (e) {
      return undefined;
    }
  };
  append(CODE, hiddenCtor(() => async function () {}));
  append(CODE, hiddenCtor(() => function* () {}));
  append(CODE, hiddenCtor(() => async function* () {}));
  const isCode = new WeakMapCtor();
  for (let i = 0; i < CODE.length; i++) if (CODE[i]) wset(isCode, CODE[i], true);
  if (options.withhold) {
    for (let i = 0; i < options.withhold.length; i++) {
      const path = options.withhold[i];
      let v = G;
      // Read now, before any learner code runs (globalThis.process is an accessor in Node).
      for (let j = 0; j < path.length && v !== undefined && v !== null; j++) v = R.get(v, path[j]);
      if ((typeof v === 'object' && v !== null) || typeof v === 'function') {
        withhold(v);
        // And everything hanging off it (process.binding, process.exit...).
        const keys = R.ownKeys(v);
        for (let k = 0; k < keys.length; k++) {
          const d = R.getOwnPropertyDescriptor(v, keys[k]);
          if (d) withhold(d.value);
        }
      }
    }
  }

  // Property names this side never reads through to the other realm: the test runner's
  // protocols through which a returned object could decide how it compares (an object with
  // `asymmetricMatch` equals anything in `toEqual`).
  const hidden = new MapCtor();
  if (options.hideKeys) for (let i = 0; i < options.hideKeys.length; i++) mset(hidden, options.hideKeys[i], true);
  if (options.hideRegisteredSymbols) for (let i = 0; i < options.hideRegisteredSymbols.length; i++) mset(hidden, symbolFor(options.hideRegisteredSymbols[i]), true);
  const isHidden = (key) => apply(msize, hidden, []) > 0 && mhas(hidden, key);

  // ---- built-ins, by name ---------------------------------------------------------------
  // The learner's side names (instead of proxying) only the constructors of data kinds, so
  // that `toEqual` sees its Map as a Map: calling one of these runs no code of anyone's.
  const DATA_CTORS = new MapCtor();
  const dataKinds = ['Object', 'Array', 'Map', 'Set', 'WeakMap', 'WeakSet', 'Date', 'RegExp', 'Promise', 'Number', 'String', 'Boolean', 'Symbol', 'BigInt',
    'Error', 'TypeError', 'RangeError', 'ReferenceError', 'SyntaxError', 'EvalError', 'URIError', 'AggregateError', 'ArrayBuffer', 'DataView',
    'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array'];
  for (let i = 0; i < dataKinds.length; i++) mset(DATA_CTORS, dataKinds[i], true);
  const nameable = (name, v, asPrototype) =>
    isHost || mhas(DATA_CTORS, name) || (asPrototype && (typeof v !== 'function' || v === FunctionProto));
  const intrinsicName = new MapCtor();
  const intrinsicValue = new MapCtor();
  (function collectIntrinsics() {
    const roots = [
      'Object', 'Function', 'Array', 'Number', 'Boolean', 'String', 'Symbol', 'BigInt', 'Date', 'RegExp',
      'Error', 'AggregateError', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError',
      'Promise', 'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry', 'Proxy', 'Reflect', 'JSON',
      'Math', 'Atomics', 'Intl', 'ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Int8Array', 'Uint8Array',
      'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float16Array', 'Float32Array',
      'Float64Array', 'BigInt64Array', 'BigUint64Array', 'Iterator', 'isFinite', 'isNaN', 'parseFloat',
      'parseInt', 'decodeURI', 'decodeURIComponent', 'encodeURI', 'encodeURIComponent', 'escape', 'unescape',
      'globalThis',
    ];
    const proto = (x) => R.getPrototypeOf(x);
    const hiddenRoots = [];
    const add = (name, make) => {
      try {
        const v = make();
        if (v !== undefined && v !== null) append(hiddenRoots, [name, v]);
      } catch (e) {
        // not in this engine
      }
    };
    add('%ThrowTypeError%', () => R.getOwnPropertyDescriptor(FunctionProto, 'caller').get);
    add('%AsyncFunction%.prototype', () => proto(async function () {}));
    add('%GeneratorFunction%.prototype', () => proto(function* () {}));
    add('%AsyncGeneratorFunction%.prototype', () => proto(async function* () {}));
    add('%GeneratorPrototype%', () => proto(function* () {}).prototype);
    add('%AsyncGeneratorPrototype%', () => proto(async function* () {}).prototype);
    add('%IteratorPrototype%', () => proto(proto([][SymbolCtor.iterator]())));
    add('%AsyncIteratorPrototype%', () => proto(proto(async function* () {}).prototype.prototype));
    add('%ArrayIteratorPrototype%', () => proto([][SymbolCtor.iterator]()));
    add('%MapIteratorPrototype%', () => proto(new MapCtor().entries()));
    add('%SetIteratorPrototype%', () => proto(new G.Set().values()));
    add('%StringIteratorPrototype%', () => proto(''[SymbolCtor.iterator]()));
    add('%RegExpStringIteratorPrototype%', () => proto(''.matchAll(/a/g)));
    add('%TypedArray%', () => proto(G.Int8Array));
    add('%IteratorHelperPrototype%', () => proto([].values().map((x) => x)));
    add('%WrapForValidIteratorPrototype%', () => proto(G.Iterator.from({ next() { return { done: true }; } })));
    const keyName = (k) => (typeof k === 'symbol' ? '@@' + (symbolKeyFor(k) ?? apply(symbolDescription, k, [])) : k);
    const walk = (name, v, depth) => {
      if ((typeof v !== 'object' || v === null) && typeof v !== 'function') return;
      if (mhas(intrinsicName, v)) return;
      // Code-making constructors get no name: they are never handed across.
      if (wget(isCode, v) !== true) {
        mset(intrinsicName, v, name);
        mset(intrinsicValue, name, v);
      }
      if (depth >= 3) return;
      let keys;
      try {
        keys = R.ownKeys(v);
      } catch (e) {
        return;
      }
      for (let i = 0; i < keys.length; i++) {
        let d;
        try {
          d = R.getOwnPropertyDescriptor(v, keys[i]);
        } catch (e) {
          continue;
        }
        if (!d) continue;
        const n = name + '.' + keyName(keys[i]);
        if ('value' in d) walk(n, d.value, depth + 1);
        if (d.get) walk(n + '#get', d.get, depth + 1);
        if (d.set) walk(n + '#set', d.set, depth + 1);
      }
    };
    for (let i = 0; i < roots.length; i++) {
      const d = R.getOwnPropertyDescriptor(G, roots[i]);
      if (d && 'value' in d) walk(roots[i], d.value, 0);
    }
    for (let i = 0; i < hiddenRoots.length; i++) walk(hiddenRoots[i][0], hiddenRoots[i][1], 0);
  })();

  // ---- symbols --------------------------------------------------------------------------
  const WELL_KNOWN = ['asyncIterator', 'hasInstance', 'isConcatSpreadable', 'iterator', 'match', 'matchAll', 'replace', 'search', 'species', 'split', 'toPrimitive', 'toStringTag', 'unscopables', 'dispose', 'asyncDispose'];
  const wellKnownName = new MapCtor();
  const wellKnownSymbol = new MapCtor();
  for (let i = 0; i < WELL_KNOWN.length; i++) {
    const d = R.getOwnPropertyDescriptor(SymbolCtor, WELL_KNOWN[i]);
    if (d && typeof d.value === 'symbol') {
      mset(wellKnownName, d.value, WELL_KNOWN[i]);
      mset(wellKnownSymbol, WELL_KNOWN[i], d.value);
    }
  }
  const localSymbols = new MapCtor(); // symbol -> id
  const localSymbolById = new MapCtor();
  const remoteSymbols = new MapCtor(); // remote id -> local stand-in
  const remoteSymbolIds = new MapCtor(); // stand-in -> remote id
  let nextSymbol = 1;
  function encodeSymbol(s) {
    const wk = mget(wellKnownName, s);
    if (wk !== undefined) return ['y', wk];
    const reg = symbolKeyFor(s);
    if (reg !== undefined) return ['Y', reg];
    const rid = mget(remoteSymbolIds, s);
    if (rid !== undefined) return ['RS', rid];
    let id = mget(localSymbols, s);
    if (id === undefined) {
      id = nextSymbol++;
      mset(localSymbols, s, id);
      mset(localSymbolById, id, s);
    }
    const description = apply(symbolDescription, s, []);
    return ['S', id, description === undefined ? '' : description];
  }
  function decodeSymbol(e) {
    switch (at(e, 0)) {
      case 'y': {
        const s = mget(wellKnownSymbol, at(e, 1));
        if (s === undefined) throw new TypeErrorCtor('membrane: unknown symbol');
        return s;
      }
      case 'Y':
        return symbolFor(StringCtor(at(e, 1)));
      case 'RS': {
        const s = mget(localSymbolById, at(e, 1));
        if (s === undefined) throw new TypeErrorCtor('membrane: unknown symbol');
        return s;
      }
      case 'S': {
        let s = mget(remoteSymbols, at(e, 1));
        if (s === undefined) {
          s = SymbolCtor(StringCtor(at(e, 2)));
          mset(remoteSymbols, at(e, 1), s);
          mset(remoteSymbolIds, s, at(e, 1));
        }
        return s;
      }
    }
    throw new TypeErrorCtor('membrane: bad symbol');
  }
  const encodeKey = (k) => (typeof k === 'symbol' ? encodeSymbol(k) : ['s', '' + k]);
  function decodeKey(e) {
    if (!isArray(e)) throw new TypeErrorCtor('membrane: bad key');
    if (at(e, 0) === 's' && typeof at(e, 1) === 'string') return at(e, 1);
    return decodeSymbol(e);
  }

  // ---- objects of this realm, named by number -------------------------------------------
  const local = new MapCtor(); // id -> object
  const localIds = new WeakMapCtor(); // object -> id
  let nextId = 1;
  function localId(v) {
    let id = wget(localIds, v);
    if (id === undefined) {
      id = nextId++;
      mset(local, id, v);
      wset(localIds, v, id);
    }
    return id;
  }
  function localById(id) {
    const v = mget(local, id);
    if (v === undefined) throw new TypeErrorCtor('membrane: no object ' + id);
    return v;
  }
  if (root !== undefined) {
    mset(local, 0, root);
    wset(localIds, root, 0);
  }

  // ---- proxies of the other realm's objects ---------------------------------------------
  const remote = new MapCtor(); // remote id -> WeakRef(proxy)
  const remoteIds = new WeakMapCtor(); // proxy -> remote id
  let released = [];
  const registry = new Registry((id) => {
    const ref = mget(remote, id);
    if (ref !== undefined && deref(ref) === undefined) {
      mdelete(remote, id);
      append(released, id);
    }
  });

  function isUnnamedNative(fn) {
    let text;
    try {
      text = apply(fnToString, fn, []);
    } catch (e) {
      return true;
    }
    if (!endsWith(text, '{ [native code] }')) return false;
    // The engine's anonymous functions (a promise's resolve and reject) are fine to call, and
    // a bound lab function prints as native too, its name says so. Every built-in is named
    // above; a named native function that is not one (process.binding...) is refused.
    const d = R.getOwnPropertyDescriptor(fn, 'name');
    const name = d && typeof d.value === 'string' ? d.value : '';
    if (name === '') return false;
    return !(startsWith(name, 'bound ') && name !== 'bound Function' && name !== 'bound eval');
  }

  const kindOf = (v) => (typeof v === 'function' ? 'f' : isArray(v) ? 'a' : 'o');
  const handle = (v) => ['L', localId(v), kindOf(v)];

  function isPlainFrozen(v) {
    if (!isFrozen(v)) return false;
    const p = R.getPrototypeOf(v);
    return p === ObjectProto || p === ArrayProto || p === null;
  }

  /** `asPrototype`: the answer to "what is this object's prototype?" (the one place a built-in object crosses by name from the learner's side). */
  function encode(v, depth, asPrototype) {
    switch (typeof v) {
      case 'undefined':
        return ['u'];
      case 'boolean':
        return ['b', v];
      case 'string':
        return ['s', v];
      case 'number':
        if (v !== v) return ['N', 'NaN'];
        if (v === 0 && 1 / v < 0) return ['N', '-0'];
        if (v === Infinity) return ['N', 'Inf'];
        if (v === -Infinity) return ['N', '-Inf'];
        return ['n', v];
      case 'bigint':
        return ['B', '' + v];
      case 'symbol':
        return encodeSymbol(v);
    }
    if (v === null) return ['z'];
    const rid = wget(remoteIds, v);
    if (rid !== undefined) return ['R', rid];
    if (wget(withheld, v) === true) return ['u'];
    if (wget(isCode, v) === true) return isHost ? ['u'] : handle(v);
    const name = mget(intrinsicName, v);
    if (name !== undefined && nameable(name, v, asPrototype)) return ['I', name];
    const known = wget(localIds, v);
    if (known !== undefined) return ['L', known, kindOf(v)];
    if (typeof v === 'function') {
      if (isHost && isUnnamedNative(v)) return ['u'];
    } else if (isHost && (depth ?? 0) < 32 && isPlainFrozen(v)) {
      return encodeCopy(v, (depth ?? 0) + 1);
    }
    return handle(v);
  }

  function encodeCopy(v, depth) {
    const keys = R.ownKeys(v);
    const out = [];
    for (let i = 0; i < keys.length; i++) {
      const d = R.getOwnPropertyDescriptor(v, keys[i]);
      if (!d || !('value' in d)) return handle(v);
      append(out, [encodeKey(keys[i]), encode(d.value, depth), d.enumerable ? 1 : 0]);
    }
    const p = R.getPrototypeOf(v);
    return ['P', isArray(v) ? 'a' : p === null ? 'n' : 'o', out];
  }

  function decodeCopy(e) {
    const shape = at(e, 1);
    const open = at(e, 3) === 'open';
    // An open object (a descriptor) has no prototype: nothing inherited can add fields to it.
    const o = shape === 'a' ? [] : shape === 'n' || open ? createObject(null) : {};
    const props = at(e, 2);
    if (!isArray(props)) throw new TypeErrorCtor('membrane: bad copy');
    for (let i = 0; i < props.length; i++) {
      const p = at(props, i);
      const key = decodeKey(at(p, 0));
      if (shape === 'a' && key === 'length') continue;
      const value = decode(at(p, 1));
      // A copy is the receiving side's own data: plain assignment, unless the key would set
      // the prototype, or the field is not enumerable.
      if (key === '__proto__' || !at(p, 2)) R.defineProperty(o, key, dataDesc(value, at(p, 2)));
      else o[key] = value;
    }
    // Descriptors and key lists come back open: Proxy traps adjust them, and nothing shares them.
    return open ? o : freeze(o);
  }

  function decode(e) {
    if (!isArray(e)) throw new TypeErrorCtor('membrane: bad value');
    const tag = at(e, 0);
    const a = at(e, 1);
    switch (tag) {
      case 'u':
        return undefined;
      case 'z':
        return null;
      case 'b':
        return a === true;
      case 's':
        if (typeof a !== 'string') break;
        return a;
      case 'n':
        if (typeof a !== 'number') break;
        return a;
      case 'N':
        return a === 'NaN' ? NaN : a === '-0' ? -0 : a === 'Inf' ? Infinity : -Infinity;
      case 'B':
        return BigIntCtor(StringCtor(a));
      case 'y':
      case 'Y':
      case 'S':
      case 'RS':
        return decodeSymbol(e);
      case 'I': {
        const v = mget(intrinsicValue, a);
        if (v === undefined) throw new TypeErrorCtor('membrane: no built-in ' + StringCtor(a) + ' here');
        // The learner's side names only built-in prototypes; its functions always come as Proxies.
        if (isHost && typeof v === 'function' && v !== FunctionProto && !mhas(DATA_CTORS, a)) throw new TypeErrorCtor('membrane: refused');
        return v;
      }
      case 'R':
        return localById(a);
      case 'L':
        return remoteProxy(a, at(e, 2));
      case 'P':
        return decodeCopy(e);
    }
    throw new TypeErrorCtor('membrane: bad value');
  }

  const encodeList = (xs) => {
    const out = [];
    const n = xs.length;
    for (let i = 0; i < n; i++) append(out, encode(at(xs, i)));
    return out;
  };
  const decodeList = (es) => {
    if (!isArray(es)) throw new TypeErrorCtor('membrane: bad list');
    const out = [];
    for (let i = 0; i < es.length; i++) append(out, decode(at(es, i)));
    return out;
  };

  // ---- errors cross by value ------------------------------------------------------------
  const EXTRA_FIELDS = ['actual', 'expected', 'showDiff', 'operator', 'code', 'diff'];
  function readString(f) {
    try {
      const v = f();
      if (typeof v === 'string') return v;
      if (v === undefined || v === null) return '';
      return StringCtor(v);
    } catch (e) {
      return '';
    }
  }
  function isErrorLike(x) {
    try {
      let p = R.getPrototypeOf(x);
      for (let i = 0; p && i < 64; i++) {
        if (p === ErrorCtor.prototype) return true;
        const name = mget(intrinsicName, p);
        if (name !== undefined && endsWith(name, 'Error.prototype')) return true;
        p = R.getPrototypeOf(p);
      }
    } catch (e) {
      return false;
    }
    return false;
  }
  const own = (x, key) => {
    const d = R.getOwnPropertyDescriptor(x, key);
    return d && 'value' in d ? d.value : undefined;
  };
  function encodeThrown(x) {
    if (x !== null && typeof x === 'object' && wget(remoteIds, x) === undefined && isErrorLike(x)) {
      const extras = [];
      for (let i = 0; i < EXTRA_FIELDS.length; i++) {
        try {
          const d = R.getOwnPropertyDescriptor(x, EXTRA_FIELDS[i]);
          if (d && 'value' in d) append(extras, [EXTRA_FIELDS[i], encode(d.value)]);
        } catch (e) {
          // unreadable: left out
        }
      }
      return ['E', readString(() => R.get(x, 'name')), readString(() => R.get(x, 'message')), readString(() => R.get(x, 'stack')), extras];
    }
    // Anything else thrown crosses as a value: a primitive as itself, an object as an error
    // that describes it (a thrown object could be a Proxy whose traps run on every look).
    if ((typeof x !== 'object' || x === null) && typeof x !== 'function') return ['V', encode(x)];
    return ['E', 'Error', 'lab code threw ' + (typeof x === 'function' ? 'a function' : 'an object that is not an Error'), '', []];
  }
  function decodeThrown(e) {
    if (!isArray(e)) return new ErrorCtor('membrane: bad error');
    if (at(e, 0) === 'V') return decode(at(e, 1));
    const name = StringCtor(at(e, 1));
    const Ctor = ERROR_CTORS[name] ?? ErrorCtor;
    const err = new Ctor(StringCtor(at(e, 2)));
    if (name && name !== own(ErrorCtor.prototype, 'name')) R.defineProperty(err, 'name', dataDesc(name, false));
    if (at(e, 3)) R.defineProperty(err, 'stack', dataDesc(StringCtor(at(e, 3)), false));
    const extras = isArray(at(e, 4)) ? at(e, 4) : [];
    for (let i = 0; i < extras.length; i++) {
      const x = at(extras, i);
      R.defineProperty(err, StringCtor(at(x, 0)), dataDesc(decode(at(x, 1)), true));
    }
    return err;
  }

  // ---- requests -------------------------------------------------------------------------
  function send(msg) {
    if (released.length) {
      const ids = [];
      // An id seen again since its proxy died has a new proxy: it is not released.
      for (let i = 0; i < released.length; i++) if (!mhas(remote, at(released, i))) append(ids, at(released, i));
      released = [];
      if (ids.length) roundTrip(['rel', ids]);
    }
    return roundTrip(msg);
  }
  function roundTrip(msg) {
    const text = frameText(msg);
    let reply;
    try {
      reply = sendRaw(text);
    } catch (e) {
      // Never look at what came back: it belongs to the other realm.
      throw new ErrorCtor('the other side of the lab sandbox failed (out of stack space?)');
    }
    // Numbers, booleans, undefined and null come back as themselves (the common case, and a
    // primitive carries no reference); everything else is a JSON frame.
    if (typeof reply === 'number' || typeof reply === 'boolean' || reply === undefined || reply === null) return reply;
    if (typeof reply !== 'string') throw new ErrorCtor('the other side of the lab sandbox sent no answer');
    const r = jsonParse(reply);
    if (!isArray(r)) throw new TypeErrorCtor('membrane: bad reply');
    if (at(r, 0) === 'ok') return decode(at(r, 1));
    throw decodeThrown(at(r, 1));
  }

  function remoteProxy(id, kind) {
    if (typeof id !== 'number') throw new TypeErrorCtor('membrane: bad id');
    const ref = mget(remote, id);
    if (ref !== undefined) {
      const p = deref(ref);
      if (p !== undefined) return p;
    }
    // The target is a stand-in of this realm: it keeps the Proxy invariants easy (nothing
    // on it is non-configurable but an array's length) and it never holds the real object.
    const shadow = kind === 'f' ? apply(bind, function () {}, [null]) : kind === 'a' ? [] : {};
    const p = new ProxyCtor(shadow, {
      __proto__: null,
      get(_t, key, receiver) {
        if (isHidden(key)) return undefined;
        return send(['get', id, encodeKey(key), encode(receiver)]);
      },
      set(_t, key, value, receiver) {
        return send(['set', id, encodeKey(key), encode(value), encode(receiver)]) === true;
      },
      has(_t, key) {
        if (isHidden(key)) return false;
        return send(['has', id, encodeKey(key)]) === true;
      },
      deleteProperty(_t, key) {
        return send(['del', id, encodeKey(key)]) === true;
      },
      ownKeys(_t) {
        const all = send(['keys', id]);
        const keys = [];
        let hasLength = false;
        for (let i = 0; i < all.length; i++) {
          const k = at(all, i);
          if (k === 'length') hasLength = true;
          if (!isHidden(k)) append(keys, k);
        }
        if (kind === 'a' && !hasLength) append(keys, 'length');
        return keys;
      },
      getOwnPropertyDescriptor(_t, key) {
        if (isHidden(key)) return undefined;
        const d = send(['desc', id, encodeKey(key)]);
        if (d === undefined) return undefined;
        const length = kind === 'a' && key === 'length';
        R.defineProperty(d, 'configurable', dataDesc(!length, true));
        if (length) R.defineProperty(d, 'writable', dataDesc(true, true));
        return d;
      },
      defineProperty(_t, key, desc) {
        if (desc.configurable === false) return false;
        return send(['def', id, encodeKey(key), encodeDescriptor(desc)]) === true;
      },
      getPrototypeOf(_t) {
        return send(['proto', id]);
      },
      setPrototypeOf() {
        return false;
      },
      isExtensible() {
        return true;
      },
      preventExtensions() {
        return false;
      },
      apply(_t, self, args) {
        return send(['apply', id, encode(self), encodeList(args)]);
      },
      construct(_t, args, newTarget) {
        return send(['new', id, encodeList(args), encode(newTarget)]);
      },
    });
    mset(remote, id, new WeakRefCtor(p));
    wset(remoteIds, p, id);
    register(registry, p, id);
    return p;
  }

  function encodeDescriptor(d) {
    const has = (k) => R.getOwnPropertyDescriptor(d, k) !== undefined;
    const field = (k) => own(d, k);
    return [
      has('value') ? 1 : 0, encode(field('value')), encode(field('get')), encode(field('set')),
      field('writable') === true ? 1 : 0, field('enumerable') === true ? 1 : 0, has('writable') ? 1 : 0, has('enumerable') ? 1 : 0,
    ];
  }
  function decodeDescriptor(e) {
    const d = { __proto__: null };
    if (at(e, 0)) d.value = decode(at(e, 1));
    const get = decode(at(e, 2));
    const set = decode(at(e, 3));
    if (get !== undefined) d.get = get;
    if (set !== undefined) d.set = set;
    if (at(e, 6)) d.writable = at(e, 4) === 1;
    if (at(e, 7)) d.enumerable = at(e, 5) === 1;
    d.configurable = true;
    return d;
  }

  function isPrototypeObject(o) {
    try {
      const d = R.getOwnPropertyDescriptor(o, 'constructor');
      return !!d && typeof d.value === 'function' && R.get(d.value, 'prototype') === o;
    } catch (e) {
      return true;
    }
  }
  function checkWritable(o, key, what) {
    if (!isHost) return;
    if (key === '__proto__') throw new TypeErrorCtor("lab code may not change the prototype of the tests' objects");
    if (typeof o === 'function' || isPrototypeObject(o)) {
      throw new TypeErrorCtor('lab code may not ' + what + " on the tests' functions or classes");
    }
  }

  // A built-in method that works only on its own kind of object (Set.prototype.add,
  // Promise.prototype.then...) is handed out by reference, so that calling it runs here, on
  // the real object, not on the other side's stand-in. Never a constructor.
  const GENERIC = ['Object.prototype.', 'Array.prototype.', 'Function.prototype.'];
  function needsRealReceiver(name) {
    if (endsWith(name, '.constructor')) return false;
    for (let i = 0; i < GENERIC.length; i++) if (startsWith(name, GENERIC[i])) return false;
    return includes(name, '.prototype.') || (startsWith(name, '%') && includes(name, 'Prototype%.'));
  }

  // The receiver of a get or set is the object itself, or an object of the other side (a
  // learner's object that inherits from one of ours): never another object of this side, or
  // `Reflect.set(ours, 'from', f, Array)` would write where checkWritable never looked.
  function receiverFor(o, r) {
    if (!isHost || r === o || wget(remoteIds, r) !== undefined) return r;
    return o;
  }

  function perform(m) {
    const op = at(m, 0);
    if (op === 'rel') {
      const ids = at(m, 1);
      for (let i = 0; i < ids.length; i++) {
        const id = at(ids, i);
        const v = mget(local, id);
        if (id !== 0 && v !== undefined) {
          mdelete(local, id);
          wdelete(localIds, v);
        }
      }
      return ['u'];
    }
    const o = localById(at(m, 1));
    switch (op) {
      case 'get': {
        const v = R.get(o, decodeKey(at(m, 2)), receiverFor(o, decode(at(m, 3))));
        if (isHost && typeof v === 'function' && wget(isCode, v) !== true) {
          const name = mget(intrinsicName, v);
          if (name !== undefined && needsRealReceiver(name)) return handle(v);
        }
        return encode(v);
      }
      case 'set': {
        const key = decodeKey(at(m, 2));
        checkWritable(o, key, 'set properties');
        return encode(R.set(o, key, decode(at(m, 3)), receiverFor(o, decode(at(m, 4)))));
      }
      case 'has':
        return encode(R.has(o, decodeKey(at(m, 2))));
      case 'del': {
        const key = decodeKey(at(m, 2));
        checkWritable(o, key, 'delete properties');
        return encode(R.deleteProperty(o, key));
      }
      case 'keys': {
        const keys = R.ownKeys(o);
        const props = [];
        for (let i = 0; i < keys.length; i++) append(props, [['s', '' + i], encodeKey(at(keys, i)), 1]);
        return ['P', 'a', props, 'open'];
      }
      case 'desc': {
        const d = R.getOwnPropertyDescriptor(o, decodeKey(at(m, 2)));
        if (d === undefined) return ['u'];
        const props = [];
        if ('value' in d) append(props, [['s', 'value'], encode(d.value), 1]);
        if ('get' in d) append(props, [['s', 'get'], encode(d.get), 1]);
        if ('set' in d) append(props, [['s', 'set'], encode(d.set), 1]);
        if ('writable' in d) append(props, [['s', 'writable'], ['b', d.writable], 1]);
        append(props, [['s', 'enumerable'], ['b', d.enumerable], 1]);
        append(props, [['s', 'configurable'], ['b', d.configurable], 1]);
        return ['P', 'o', props, 'open'];
      }
      case 'def': {
        const key = decodeKey(at(m, 2));
        checkWritable(o, key, 'define properties');
        return encode(R.defineProperty(o, key, decodeDescriptor(at(m, 3))));
      }
      case 'proto':
        return encode(R.getPrototypeOf(o), 0, true);
      case 'apply':
        return encode(apply(o, decode(at(m, 2)), decodeList(at(m, 3))));
      case 'new':
        return encode(R.construct(o, decodeList(at(m, 2)), decode(at(m, 3))));
    }
    throw new TypeErrorCtor('membrane: unknown request');
  }

  function receive(text) {
    try {
      if (typeof text !== 'string') throw new TypeErrorCtor('membrane: bad request');
      const m = jsonParse(text);
      if (!isArray(m)) throw new TypeErrorCtor('membrane: bad request');
      const result = perform(m);
      const kind = at(result, 0);
      if (kind === 'n' || kind === 'b') return at(result, 1);
      if (kind === 'u') return undefined;
      if (kind === 'z') return null;
      return frameText(['ok', result]);
    } catch (err) {
      try {
        return frameText(['err', encodeThrown(err)]);
      } catch (e) {
        return '["err",["E","Error","the lab sandbox could not describe an error","",[]]]';
      }
    }
  }

  return freeze({ __proto__: null, receive, remoteRoot: () => remoteProxy(0, 'o') });
});
