/** The admin console root: connections, ownership matrix, identity review and failed items for one tenant. */
import { Connections } from './Connections.js';
import { DeadLetters } from './DeadLetters.js';
import { OwnershipMatrix } from './OwnershipMatrix.js';
import { Review } from './Review.js';
import type { ConsoleService } from './service.js';

/** Props of the console root. */
export interface ConsoleProps {
  service: ConsoleService;
  tenant: string;
  navigate: (url: string) => void;
}

/** Root component of the admin console. */
export function Console(props: ConsoleProps) {
  return (
    <div class="cc-panel cc-console">
      <header class="cc-header">
        <div class="cc-title">
          <h1>Concord admin</h1>
          <span class="cc-muted">Tenant <code>{props.tenant}</code></span>
        </div>
      </header>
      <div class="cc-stack">
        <Connections service={props.service} navigate={props.navigate} />
        <OwnershipMatrix service={props.service} />
        <Review service={props.service} />
        <DeadLetters service={props.service} />
      </div>
    </div>
  );
}
