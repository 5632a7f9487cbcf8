/** How a console section explains a failed load; a 404 means the broker route does not exist yet. */
import { describeError, type WidgetError } from '../shared/result.js';

/** Message plus a Retry button (except for "not available yet", which a retry will not fix). */
export function LoadFailure(props: { what: string; error: WidgetError; onRetry: () => void }) {
  if (props.error.kind === 'not_found') {
    return (
      <p class="cc-unavailable" role="status">
        {props.what} is not available yet: this Concord server does not offer it.
      </p>
    );
  }
  return (
    <div class="cc-error" role="alert">
      <p>
        {props.what} could not be loaded. {describeError(props.error)}
      </p>
      <button type="button" class="cc-button" onClick={props.onRetry}>Retry</button>
    </div>
  );
}
