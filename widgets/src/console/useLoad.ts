/** A tiny hook: run an async `Result` loader, expose its state and a reload function. */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Result, WidgetError } from '../shared/result.js';

/** State of one loaded resource. */
export type LoadState<T> = { phase: 'loading' } | { phase: 'ready'; value: T } | { phase: 'error'; error: WidgetError };

/** Load on mount and whenever `reload()` is called; results of superseded loads are dropped. */
export function useLoad<T>(load: () => Promise<Result<T>>): [LoadState<T>, () => void, (value: T) => void] {
  const [state, setState] = useState<LoadState<T>>({ phase: 'loading' });
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    setState({ phase: 'loading' });
    void load().then((r) => {
      if (live) setState(r.ok ? { phase: 'ready', value: r.value } : { phase: 'error', error: r.error });
    });
    return () => {
      live = false;
    };
  }, [load, n]);
  const reload = useCallback(() => setN((x) => x + 1), []);
  const set = useCallback((value: T) => setState({ phase: 'ready', value }), []);
  return [state, reload, set];
}
