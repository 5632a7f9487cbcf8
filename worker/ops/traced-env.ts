/**
 * The broker's bindings with every round trip recorded on a Trace: D1 (`first`, `all`, `run`,
 * `raw`, `batch`: one each), KV (`get`, `getWithMetadata`, `put`, `delete`, `list`) and Durable
 * Object RPC (any method called on a stub). Code under a traced env is unchanged: it cannot make a
 * round trip that is not counted, which is what makes the counts instrumentation, not estimates.
 * Bindings are recognised by shape, so a new one of those kinds is traced without a change here.
 */
import type { Trace } from './trace.js';

const RAW = Symbol('concord.rawEnv');
/** The proxy -> the real D1 statement (D1's batch() accepts only its own statements). */
const rawStatements = new WeakMap<object, D1PreparedStatement>();

type Fn = (...args: unknown[]) => unknown;

/** The env behind a traced one (identity-keyed caches such as config() use it). */
export function rawEnv<E extends object>(env: E): E {
  return ((env as Record<symbol, unknown>)[RAW] as E | undefined) ?? env;
}

const isFn = (o: object, name: string) => typeof (o as Record<string, unknown>)[name] === 'function';
const isD1 = (v: object) => isFn(v, 'prepare') && isFn(v, 'batch');
const isKv = (v: object) => isFn(v, 'get') && isFn(v, 'put') && isFn(v, 'list') && isFn(v, 'delete');
const isNamespace = (v: object) => isFn(v, 'idFromName') && isFn(v, 'get');

function statement(raw: D1PreparedStatement, trace: Trace): D1PreparedStatement {
  const proxy = new Proxy(raw, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      if (prop === 'bind') return (...args: unknown[]) => statement((value as Fn).apply(target, args) as D1PreparedStatement, trace);
      if (prop === 'first' || prop === 'all' || prop === 'run' || prop === 'raw') {
        return (...args: unknown[]) => trace.trip('d1', String(prop), () => (value as Fn).apply(target, args) as Promise<unknown>);
      }
      return (value as Fn).bind(target);
    },
  });
  rawStatements.set(proxy, raw);
  return proxy;
}

function d1(raw: D1Database, trace: Trace): D1Database {
  return new Proxy(raw, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      if (prop === 'prepare') return (sql: string) => statement((value as Fn).call(target, sql) as D1PreparedStatement, trace);
      if (prop === 'batch') {
        return (stmts: D1PreparedStatement[]) =>
          trace.trip('d1', 'batch', () => (value as Fn).call(target, stmts.map((s) => rawStatements.get(s) ?? s)) as Promise<unknown>);
      }
      if (prop === 'exec') return (...args: unknown[]) => trace.trip('d1', 'exec', () => (value as Fn).apply(target, args) as Promise<unknown>);
      return (value as Fn).bind(target);
    },
  });
}

const KV_TRIPS = new Set(['get', 'getWithMetadata', 'put', 'delete', 'list']);

function kv(raw: KVNamespace, trace: Trace): KVNamespace {
  return new Proxy(raw, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      if (typeof prop === 'string' && KV_TRIPS.has(prop)) return (...args: unknown[]) => trace.trip('kv', prop, () => (value as Fn).apply(target, args) as Promise<unknown>);
      return (value as Fn).bind(target);
    },
  });
}

/** Stub properties that are data, not RPC methods (and `then`, so a stub never looks like a promise). */
const STUB_DATA = new Set(['id', 'name', 'then']);

function stub(raw: object, trace: Trace, binding: string): object {
  return new Proxy(raw, {
    get(target, prop) {
      if (typeof prop !== 'string' || STUB_DATA.has(prop)) return Reflect.get(target, prop, target);
      // Called as a method of the stub itself: an RPC stub's `.apply` would be a remote property.
      const methods = target as Record<string, Fn>;
      return (...args: unknown[]) => trace.trip('do', `${binding}.${prop}`, () => methods[prop]!(...args) as Promise<unknown>);
    },
  });
}

function namespace(raw: DurableObjectNamespace, trace: Trace, binding: string): DurableObjectNamespace {
  return new Proxy(raw, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      if (prop === 'get' || prop === 'getByName') return (...args: unknown[]) => stub((value as Fn).apply(target, args) as object, trace, binding);
      return (value as Fn).bind(target);
    },
  });
}

/** `env` with its D1, KV and Durable Object bindings recording their round trips on `trace`. */
export function tracedEnv<E extends object>(env: E, trace: Trace): E {
  const raw = rawEnv(env);
  const wrapped = new Map<string | symbol, unknown>();
  return new Proxy(raw, {
    get(target, prop) {
      if (prop === RAW) return raw;
      const value = Reflect.get(target, prop, target) as unknown;
      if (!value || typeof value !== 'object' || typeof prop !== 'string') return value;
      let w = wrapped.get(prop);
      if (w === undefined) {
        if (isD1(value)) w = d1(value as D1Database, trace);
        else if (isNamespace(value)) w = namespace(value as DurableObjectNamespace, trace, prop);
        else if (isKv(value)) w = kv(value as KVNamespace, trace);
        else w = value;
        wrapped.set(prop, w);
      }
      return w;
    },
  });
}
