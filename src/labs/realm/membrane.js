/*
 * One half of the membrane between the tests' realm (the host) and the learner's realm (a
 * node:vm context). The same source is evaluated once in each realm, so each half uses only
 * its own realm's built-ins, captured before any learner code runs.
 *
 * The one rule that makes it hold: the two halves exchange primitives (JSON text, and
 * numbers, booleans, undefined and null as themselves), nothing else. An object
 * of one realm is never handed to code of the other; it is named by a number, and the other
 * side sees a Proxy of its own realm whose traps send requests ("get property x of object
 * 7") as JSON text. Built-ins (Object, Function, Array.prototype.push...) are never proxied:
 * they are named, and each side uses its own of that name, so learner code that walks from
 * a test's object to `constructor.constructor` reaches its own realm's Function, never the
 * host's. Whatever the learner's realm sends is parsed by the host with the host's JSON and
 * can only name objects already handed to it, so a learner who patches every built-in of
 * its own realm can change its own answers, never the host's code or the test results.
 *
 * This file is plain JavaScript (no transpiler touches it) and is evaluated as a function
 * expression: makeMembraneHalf(sendRaw, optionsJson, root) returns { receive, remoteRoot }.
 */
(function makeMembraneHalf(sendRaw, optionsJson, root) {
  'use strict';
  const G = globalThis;
  const jsonStringify = G.JSON.stringify;
  const jsonParse = G.JSON.parse;
  const R = G.Reflect;
  const apply = R.apply;
  const ObjectProto = G.Object.prototype;
  const ArrayProto = G.Array.prototype;
  const FunctionProto = G.Function.prototype;
  const isArray = G.Array.isArray;
  const isFrozen = G.Object.isFrozen;
  const freeze = G.Object.freeze;
  const ProxyCtor = G.Proxy;
  const MapCtor = G.Map;
  const WeakMapCtor = G.WeakMap;
  const WeakRefCtor = G.WeakRef;
  const Registry = G.FinalizationRegistry;
  const ErrorCtor = G.Error;
  const TypeErrorCtor = G.TypeError;
  const StringCtor = G.String;
  const BigIntCtor = G.BigInt;
  const SymbolCtor = G.Symbol;
  const symbolFor = G.Symbol.for;
  const symbolKeyFor = G.Symbol.keyFor;
  const mapGet = G.Map.prototype.get;
  const mapSet = G.Map.prototype.set;
  const mapHas = G.Map.prototype.has;
  const mapDelete = G.Map.prototype.delete;
  const wmGet = G.WeakMap.prototype.get;
  const wmSet = G.WeakMap.prototype.set;
  const wmDelete = G.WeakMap.prototype.delete;
  const derefRef = G.WeakRef.prototype.deref;
  const registerRef = G.FinalizationRegistry.prototype.register;
  const bind = G.Function.prototype.bind;
  const fnToString = G.Function.prototype.toString;
  const strEndsWith = G.String.prototype.endsWith;
  const strStartsWith = G.String.prototype.startsWith;
  const push = G.Array.prototype.push;

  const options = jsonParse(optionsJson);
  /** 'frozen': only deeply frozen plain data crosses by value (the host: it must see the learner's writes to its objects). 'never': always by reference. */
  const copyPlain = options.copyPlain === 'frozen' ? 'frozen' : 'never';
  /** The host refuses to hand out native functions it cannot name (process.binding and the like). */
  const refuseUnnamedNatives = !!options.refuseUnnamedNatives;
  /** The host refuses writes to functions and prototypes (lab and test code stays as written). */
  const protectCode = !!options.protectCode;

  const mget = (m, k) => apply(mapGet, m, [k]);
  const mset = (m, k, v) => apply(mapSet, m, [k, v]);
  const mhas = (m, k) => apply(mapHas, m, [k]);
  const wget = (m, k) => apply(wmGet, m, [k]);
  const wset = (m, k, v) => apply(wmSet, m, [k, v]);

  /** Objects this side never hands out, whatever the path to them (the host's process, console...). */
  const withheld = new WeakMapCtor();
  if (options.withhold) {
    for (let i = 0; i < options.withhold.length; i++) {
      const path = options.withhold[i];
      let v = G;
      for (let j = 0; j < path.length && v !== undefined && v !== null; j++) v = v[path[j]];
      if ((typeof v === 'object' && v !== null) || typeof v === 'function') {
        wset(withheld, v, true);
        // And every function hanging off it (process.binding, process.exit...).
        const keys = R.ownKeys(v);
        for (let k = 0; k < keys.length; k++) {
          const d = R.getOwnPropertyDescriptor(v, keys[k]);
          if (d && (typeof d.value === 'function' || (typeof d.value === 'object' && d.value !== null))) wset(withheld, d.value, true);
        }
      }
    }
  }
  /**
   * Property names this side never reads through to the other realm: the test runner's
   * protocols that would let a returned object decide its own comparison (an object with
   * `asymmetricMatch` equals anything in `toEqual`).
   */
  const hidden = new MapCtor();
  if (options.hideKeys) for (let i = 0; i < options.hideKeys.length; i++) mset(hidden, options.hideKeys[i], true);
  if (options.hideRegisteredSymbols) for (let i = 0; i < options.hideRegisteredSymbols.length; i++) mset(hidden, symbolFor(options.hideRegisteredSymbols[i]), true);
  const isHidden = (key) => hidden.size > 0 && mhas(hidden, key);
  // ---- built-ins, by name ---------------------------------------------------------------
  const intrinsicName = new MapCtor();
  const intrinsicValue = new MapCtor();
  function collectIntrinsics() {
    const roots = [
      'Object', 'Function', 'Array', 'Number', 'Boolean', 'String', 'Symbol', 'BigInt', 'Date', 'RegExp',
      'Error', 'AggregateError', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError',
      'Promise', 'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry', 'Proxy', 'Reflect', 'JSON',
      'Math', 'Atomics', 'Intl', 'ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Int8Array', 'Uint8Array',
      'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float16Array', 'Float32Array',
      'Float64Array', 'BigInt64Array', 'BigUint64Array', 'Iterator', 'eval', 'isFinite', 'isNaN', 'parseFloat',
      'parseInt', 'decodeURI', 'decodeURIComponent', 'encodeURI', 'encodeURIComponent', 'escape', 'unescape',
      'globalThis',
    ];
    const proto = (x) => R.getPrototypeOf(x);
    const hidden = [];
    const tryAdd = (name, make) => {
      try {
        const v = make();
        if (v !== undefined && v !== null) push.call(hidden, [name, v]);
      } catch (e) {
        // not in this engine
      }
    };
    tryAdd('%ThrowTypeError%', () => R.getOwnPropertyDescriptor(FunctionProto, 'caller').get);
    tryAdd('%GeneratorFunction%', () => proto(function* () {}).constructor);
    tryAdd('%AsyncFunction%', () => proto(async function () {}).constructor);
    tryAdd('%AsyncGeneratorFunction%', () => proto(async function* () {}).constructor);
    tryAdd('%GeneratorPrototype%', () => proto(function* () {}).prototype);
    tryAdd('%AsyncGeneratorPrototype%', () => proto(async function* () {}).prototype);
    tryAdd('%IteratorPrototype%', () => proto(proto([][SymbolCtor.iterator]())));
    tryAdd('%AsyncIteratorPrototype%', () => proto(proto(async function* () {}).prototype.prototype));
    tryAdd('%ArrayIteratorPrototype%', () => proto([][SymbolCtor.iterator]()));
    tryAdd('%MapIteratorPrototype%', () => proto(new MapCtor().entries()));
    tryAdd('%SetIteratorPrototype%', () => proto(new G.Set().values()));
    tryAdd('%StringIteratorPrototype%', () => proto(''[SymbolCtor.iterator]()));
    tryAdd('%RegExpStringIteratorPrototype%', () => proto(''.matchAll(/a/g)));
    tryAdd('%TypedArray%', () => proto(G.Int8Array));
    tryAdd('%IteratorHelperPrototype%', () => proto([].values().map((x) => x)));
    tryAdd('%WrapForValidIteratorPrototype%', () => proto(G.Iterator.from({ next() { return { done: true }; } })));
    tryAdd('%AsyncFromSyncIteratorPrototype%', () => undefined);
    const seen = (v) => mhas(intrinsicName, v);
    const keyName = (k) => (typeof k === 'symbol' ? '@@' + (symbolKeyFor(k) ?? k.description) : k);
    const walk = (name, v, depth) => {
      if ((typeof v !== 'object' || v === null) && typeof v !== 'function') return;
      if (seen(v)) return;
      mset(intrinsicName, v, name);
      mset(intrinsicValue, name, v);
      if (depth >= 3) return;
      let keys;
      try {
        keys = R.ownKeys(v);
      } catch (e) {
        return;
      }
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i];
        let d;
        try {
          d = R.getOwnPropertyDescriptor(v, k);
        } catch (e) {
          continue;
        }
        if (!d) continue;
        const n = name + '.' + keyName(k);
        if ('value' in d) walk(n, d.value, depth + 1);
        if (d.get) walk(n + '#get', d.get, depth + 1);
        if (d.set) walk(n + '#set', d.set, depth + 1);
      }
    };
    for (let i = 0; i < roots.length; i++) {
      const d = R.getOwnPropertyDescriptor(G, roots[i]);
      if (d && 'value' in d) walk(roots[i], d.value, 0);
    }
    for (let i = 0; i < hidden.length; i++) walk(hidden[i][0], hidden[i][1], 0);
  }
  collectIntrinsics();

  // ---- symbols --------------------------------------------------------------------------
  const WELL_KNOWN = ['asyncIterator', 'hasInstance', 'isConcatSpreadable', 'iterator', 'match', 'matchAll', 'replace', 'search', 'species', 'split', 'toPrimitive', 'toStringTag', 'unscopables', 'dispose', 'asyncDispose'];
  const wellKnownName = new MapCtor();
  for (let i = 0; i < WELL_KNOWN.length; i++) {
    const s = SymbolCtor[WELL_KNOWN[i]];
    if (typeof s === 'symbol') mset(wellKnownName, s, WELL_KNOWN[i]);
  }
  const localSymbols = new MapCtor(); // symbol -> id
  const localSymbolById = new MapCtor();
  const remoteSymbols = new MapCtor(); // remote id -> local stand-in
  const remoteSymbolIds = new MapCtor(); // stand-in -> remote id
  function encodeSymbol(s) {
    const wk = mget(wellKnownName, s);
    if (wk !== undefined) return ['y', wk];
    const reg = symbolKeyFor(s);
    if (reg !== undefined) return ['Y', reg];
    const rid = mget(remoteSymbolIds, s);
    if (rid !== undefined) return ['RS', rid];
    let id = mget(localSymbols, s);
    if (id === undefined) {
      id = localSymbols.size;
      mset(localSymbols, s, id);
      mset(localSymbolById, id, s);
    }
    return ['S', id, StringCtor(s.description ?? '')];
  }
  function decodeSymbol(e) {
    switch (e[0]) {
      case 'y': {
        const s = SymbolCtor[e[1]];
        if (typeof s !== 'symbol') throw new TypeErrorCtor('membrane: unknown symbol');
        return s;
      }
      case 'Y':
        return symbolFor(StringCtor(e[1]));
      case 'RS': {
        const s = mget(localSymbolById, e[1]);
        if (s === undefined) throw new TypeErrorCtor('membrane: unknown symbol');
        return s;
      }
      case 'S': {
        let s = mget(remoteSymbols, e[1]);
        if (s === undefined) {
          s = SymbolCtor(StringCtor(e[2]));
          mset(remoteSymbols, e[1], s);
          mset(remoteSymbolIds, s, e[1]);
        }
        return s;
      }
    }
    throw new TypeErrorCtor('membrane: bad symbol');
  }
  const encodeKey = (k) => (typeof k === 'symbol' ? encodeSymbol(k) : ['s', StringCtor(k)]);
  function decodeKey(e) {
    if (!isArray(e)) throw new TypeErrorCtor('membrane: bad key');
    if (e[0] === 's' && typeof e[1] === 'string') return e[1];
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
  const released = [];
  const registry = new Registry((id) => {
    const ref = mget(remote, id);
    if (ref !== undefined && apply(derefRef, ref, []) === undefined) {
      apply(mapDelete, remote, [id]);
      push.call(released, id);
    }
  });

  function isUnnamedNative(fn) {
    let text;
    try {
      text = apply(fnToString, fn, []);
    } catch (e) {
      return true;
    }
    if (!apply(strEndsWith, text, ['{ [native code] }'])) return false;
    // The engine's anonymous functions (a promise's resolve and reject) are fine to call;
    // a bound lab function prints as native too, and its name says so. Every built-in is
    // named above; a named native function that is not one (process.binding...) is refused.
    let name;
    try {
      name = R.getOwnPropertyDescriptor(fn, 'name');
    } catch (e) {
      return true;
    }
    name = name && typeof name.value === 'string' ? name.value : '';
    if (name === '') return false;
    return !(apply(strStartsWith, name, ['bound ']) && name !== 'bound Function' && name !== 'bound eval');
  }

  function kindOf(v) {
    if (typeof v === 'function') return 'f';
    return isArray(v) ? 'a' : 'o';
  }

  function isPlainFrozen(v) {
    if (!isFrozen(v)) return false;
    const p = R.getPrototypeOf(v);
    return p === ObjectProto || p === ArrayProto || p === null;
  }

  function encode(v, depth) {
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
        return ['B', StringCtor(v)];
      case 'symbol':
        return encodeSymbol(v);
    }
    if (v === null) return ['z'];
    const rid = wget(remoteIds, v);
    if (rid !== undefined) return ['R', rid];
    const name = mget(intrinsicName, v);
    if (name !== undefined) return ['I', name];
    const known = wget(localIds, v);
    if (known !== undefined) return ['L', known, kindOf(v)];
    if (wget(withheld, v) === true) return ['u'];
    if (typeof v === 'function') {
      if (refuseUnnamedNatives && isUnnamedNative(v)) return ['u'];
    } else if (copyPlain === 'frozen' && (depth ?? 0) < 32 && isPlainFrozen(v)) {
      return encodeCopy(v, (depth ?? 0) + 1);
    }
    return ['L', localId(v), kindOf(v)];
  }

  function encodeCopy(v, depth) {
    const keys = R.ownKeys(v);
    const out = [];
    for (let i = 0; i < keys.length; i++) {
      const d = R.getOwnPropertyDescriptor(v, keys[i]);
      if (!d || !('value' in d)) return ['L', localId(v), kindOf(v)];
      push.call(out, [encodeKey(keys[i]), encode(d.value, depth), d.enumerable ? 1 : 0]);
    }
    const p = R.getPrototypeOf(v);
    return ['P', isArray(v) ? 'a' : p === null ? 'n' : 'o', out];
  }

  function decodeCopy(e) {
    const shape = e[1];
    const o = shape === 'a' ? [] : shape === 'n' ? G.Object.create(null) : {};
    const props = e[2];
    for (let i = 0; i < props.length; i++) {
      const key = decodeKey(props[i][0]);
      if (shape === 'a' && key === 'length') continue;
      R.defineProperty(o, key, { value: decode(props[i][1]), writable: true, enumerable: !!props[i][2], configurable: true });
    }
    // Descriptors and key lists come back open: Proxy traps adjust them, and nothing shares them.
    return e[3] === 'open' ? o : freeze(o);
  }

  function decode(e) {
    if (!isArray(e)) throw new TypeErrorCtor('membrane: bad value');
    switch (e[0]) {
      case 'u':
        return undefined;
      case 'z':
        return null;
      case 'b':
        return e[1] === true;
      case 's':
        if (typeof e[1] !== 'string') break;
        return e[1];
      case 'n':
        if (typeof e[1] !== 'number') break;
        return e[1];
      case 'N':
        return e[1] === 'NaN' ? NaN : e[1] === '-0' ? -0 : e[1] === 'Inf' ? Infinity : -Infinity;
      case 'B':
        return BigIntCtor(StringCtor(e[1]));
      case 'y':
      case 'Y':
      case 'S':
      case 'RS':
        return decodeSymbol(e);
      case 'I': {
        const v = mget(intrinsicValue, e[1]);
        if (v === undefined) throw new TypeErrorCtor('membrane: no built-in ' + StringCtor(e[1]) + ' here');
        return v;
      }
      case 'R':
        return localById(e[1]);
      case 'L':
        return remoteProxy(e[1], e[2]);
      case 'P':
        return decodeCopy(e);
    }
    throw new TypeErrorCtor('membrane: bad value');
  }

  const encodeList = (xs) => {
    const out = [];
    for (let i = 0; i < xs.length; i++) push.call(out, encode(xs[i]));
    return out;
  };
  const decodeList = (es) => {
    if (!isArray(es)) throw new TypeErrorCtor('membrane: bad list');
    const out = [];
    for (let i = 0; i < es.length; i++) push.call(out, decode(es[i]));
    return out;
  };

  // ---- errors cross by value ------------------------------------------------------------
  const ERROR_TYPES = ['Error', 'TypeError', 'RangeError', 'ReferenceError', 'SyntaxError', 'EvalError', 'URIError'];
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
        if (name !== undefined && apply(strEndsWith, name, ['Error.prototype'])) return true;
        p = R.getPrototypeOf(p);
      }
    } catch (e) {
      return false;
    }
    return false;
  }
  function encodeThrown(x) {
    if (x !== null && typeof x === 'object' && wget(remoteIds, x) === undefined && isErrorLike(x)) {
      const extras = [];
      for (let i = 0; i < EXTRA_FIELDS.length; i++) {
        try {
          const d = R.getOwnPropertyDescriptor(x, EXTRA_FIELDS[i]);
          if (d && 'value' in d) push.call(extras, [EXTRA_FIELDS[i], encode(d.value)]);
        } catch (e) {
          // unreadable: left out
        }
      }
      return ['E', readString(() => x.name), readString(() => x.message), readString(() => x.stack), extras];
    }
    // Anything else thrown crosses as a value: a primitive as itself, an object as an error
    // that describes it (a thrown object could be a Proxy whose traps run on every look).
    if ((typeof x !== 'object' || x === null) && typeof x !== 'function') return ['V', encode(x)];
    return ['E', 'Error', 'lab code threw ' + (typeof x === 'function' ? 'a function' : 'an object that is not an Error'), '', []];
  }
  function decodeThrown(e) {
    if (!isArray(e)) return new ErrorCtor('membrane: bad error');
    if (e[0] === 'V') return decode(e[1]);
    const name = StringCtor(e[1]);
    let Ctor = ErrorCtor;
    for (let i = 0; i < ERROR_TYPES.length; i++) if (ERROR_TYPES[i] === name) Ctor = G[name];
    const err = new Ctor(StringCtor(e[2]));
    if (name && name !== err.name) R.defineProperty(err, 'name', { value: name, writable: true, enumerable: false, configurable: true });
    if (e[3]) R.defineProperty(err, 'stack', { value: StringCtor(e[3]), writable: true, enumerable: false, configurable: true });
    const extras = isArray(e[4]) ? e[4] : [];
    for (let i = 0; i < extras.length; i++) {
      R.defineProperty(err, StringCtor(extras[i][0]), { value: decode(extras[i][1]), writable: true, enumerable: true, configurable: true });
    }
    return err;
  }

  // ---- requests -------------------------------------------------------------------------
  function send(msg) {
    if (released.length) {
      const ids = [];
      // An id seen again since its proxy died has a new proxy: it is not released.
      for (let i = 0; i < released.length; i++) if (!mhas(remote, released[i])) push.call(ids, released[i]);
      released.length = 0;
      if (ids.length) roundTrip(['rel', ids]);
    }
    return roundTrip(msg);
  }
  function roundTrip(msg) {
    const text = jsonStringify(msg);
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
    if (r[0] === 'ok') return decode(r[1]);
    throw decodeThrown(r[1]);
  }

  function remoteProxy(id, kind) {
    if (typeof id !== 'number') throw new TypeErrorCtor('membrane: bad id');
    const ref = mget(remote, id);
    if (ref !== undefined) {
      const p = apply(derefRef, ref, []);
      if (p !== undefined) return p;
    }
    // The target is a stand-in of this realm: it keeps the Proxy invariants easy (nothing
    // on it is non-configurable but an array's length) and it never holds the real object.
    const shadow = kind === 'f' ? apply(bind, function () {}, [null]) : kind === 'a' ? [] : {};
    const p = new ProxyCtor(shadow, {
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
        for (let i = 0; i < all.length; i++) if (!isHidden(all[i])) push.call(keys, all[i]);
        if (kind === 'a') {
          let hasLength = false;
          for (let i = 0; i < keys.length; i++) if (keys[i] === 'length') hasLength = true;
          if (!hasLength) push.call(keys, 'length');
        }
        return keys;
      },
      getOwnPropertyDescriptor(_t, key) {
        if (isHidden(key)) return undefined;
        const d = send(['desc', id, encodeKey(key)]);
        if (d === undefined) return undefined;
        if (kind === 'a' && key === 'length') {
          d.configurable = false;
          d.writable = true;
        } else {
          d.configurable = true;
        }
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
    apply(registerRef, registry, [p, id]);
    return p;
  }

  function encodeDescriptor(d) {
    return [
      'value' in d ? 1 : 0, encode(d.value), encode(d.get), encode(d.set),
      d.writable === true ? 1 : 0, d.enumerable === true ? 1 : 0, 'writable' in d ? 1 : 0, 'enumerable' in d ? 1 : 0,
    ];
  }
  function decodeDescriptor(e) {
    const d = {};
    if (e[0]) d.value = decode(e[1]);
    const get = decode(e[2]);
    const set = decode(e[3]);
    if (get !== undefined) d.get = get;
    if (set !== undefined) d.set = set;
    if (e[6]) d.writable = e[4] === 1;
    if (e[7]) d.enumerable = e[5] === 1;
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
  function checkWritable(o, what) {
    if (!protectCode) return;
    if (typeof o === 'function' || isPrototypeObject(o)) {
      throw new TypeErrorCtor('lab code may not ' + what + ' on the tests\' functions or classes');
    }
  }

  const GENERIC = ['Object.prototype.', 'Array.prototype.', 'Function.prototype.'];
  function needsRealReceiver(name) {
    if (apply(strEndsWith, name, ['.constructor'])) return false;
    for (let i = 0; i < GENERIC.length; i++) if (apply(strStartsWith, name, [GENERIC[i]])) return false;
    return apply(strStartsWith, name, ['%']) || name.indexOf('.prototype.') > 0;
  }

  function perform(m) {
    const op = m[0];
    if (op === 'rel') {
      const ids = m[1];
      for (let i = 0; i < ids.length; i++) {
        const v = mget(local, ids[i]);
        if (ids[i] !== 0 && v !== undefined) {
          apply(mapDelete, local, [ids[i]]);
          apply(wmDelete, localIds, [v]);
        }
      }
      return ['u'];
    }
    const o = localById(m[1]);
    switch (op) {
      case 'get': {
        const v = R.get(o, decodeKey(m[2]), decode(m[3]));
        // A built-in method that works only on its own kind of object (Set.prototype.add,
        // Promise.prototype.then...) is handed out as a reference, so that calling it runs
        // here, on the real object, not on the other side's stand-in.
        if (typeof v === 'function') {
          const name = mget(intrinsicName, v);
          if (name !== undefined && needsRealReceiver(name)) return ['L', localId(v), 'f'];
        }
        return encode(v);
      }
      case 'set':
        checkWritable(o, 'set properties');
        return encode(R.set(o, decodeKey(m[2]), decode(m[3]), decode(m[4])));
      case 'has':
        return encode(R.has(o, decodeKey(m[2])));
      case 'del':
        checkWritable(o, 'delete properties');
        return encode(R.deleteProperty(o, decodeKey(m[2])));
      case 'keys': {
        const keys = R.ownKeys(o);
        const out = [];
        for (let i = 0; i < keys.length; i++) push.call(out, encodeKey(keys[i]));
        return ['P', 'a', mapKeysToProps(out), 'open'];
      }
      case 'desc': {
        const d = R.getOwnPropertyDescriptor(o, decodeKey(m[2]));
        if (d === undefined) return ['u'];
        const props = [];
        if ('value' in d) push.call(props, [['s', 'value'], encode(d.value), 1]);
        if ('get' in d) push.call(props, [['s', 'get'], encode(d.get), 1]);
        if ('set' in d) push.call(props, [['s', 'set'], encode(d.set), 1]);
        if ('writable' in d) push.call(props, [['s', 'writable'], ['b', d.writable], 1]);
        push.call(props, [['s', 'enumerable'], ['b', d.enumerable], 1]);
        push.call(props, [['s', 'configurable'], ['b', d.configurable], 1]);
        return ['P', 'o', props, 'open'];
      }
      case 'def':
        checkWritable(o, 'define properties');
        return encode(R.defineProperty(o, decodeKey(m[2]), decodeDescriptor(m[3])));
      case 'proto':
        return encode(R.getPrototypeOf(o));
      case 'apply':
        return encode(apply(o, decode(m[2]), decodeList(m[3])));
      case 'new':
        return encode(R.construct(o, decodeList(m[2]), decode(m[3])));
    }
    throw new TypeErrorCtor('membrane: unknown request');
  }
  function mapKeysToProps(keys) {
    const props = [];
    for (let i = 0; i < keys.length; i++) push.call(props, [['s', StringCtor(i)], keys[i], 1]);
    return props;
  }

  function receive(text) {
    try {
      if (typeof text !== 'string') throw new TypeErrorCtor('membrane: bad request');
      const m = jsonParse(text);
      if (!isArray(m)) throw new TypeErrorCtor('membrane: bad request');
      const result = perform(m);
      const kind = result[0];
      if (kind === 'n' || kind === 'b') return result[1];
      if (kind === 'u') return undefined;
      if (kind === 'z') return null;
      return jsonStringify(['ok', result]);
    } catch (err) {
      try {
        return jsonStringify(['err', encodeThrown(err)]);
      } catch (e) {
        return '["err",["E","Error","the lab sandbox could not describe an error","",[]]]';
      }
    }
  }

  return freeze({ receive, remoteRoot: () => remoteProxy(0, 'o') });
});
