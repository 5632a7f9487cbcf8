/**
 * The admin console root for one tenant: connections, the ownership matrix, the identity review
 * queue, sync runs (reconcile and backfill with their drift report), the change intake (per source:
 * last change, lag, poll checkpoints) and the lifecycle automations, closed-won orders and their
 * settings, write refusals and failed items.
 */
import { Automations } from './Automations.js';
import { ChangeIntake } from './ChangeIntake.js';
import { ClosedWonRuns } from './ClosedWonRuns.js';
import { ClosedWonSettings } from './ClosedWonSettings.js';
import { Connections } from './Connections.js';
import { DeadLetters } from './DeadLetters.js';
import { OwnershipMatrix } from './OwnershipMatrix.js';
import { Review } from './Review.js';
import { SyncRuns } from './SyncRuns.js';
import { WriteRefusals } from './WriteRefusals.js';
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
        <SyncRuns service={props.service} />
        <ChangeIntake service={props.service} />
        <Automations service={props.service} />
        <ClosedWonRuns service={props.service} />
        <WriteRefusals service={props.service} />
        <DeadLetters service={props.service} />
        <ClosedWonSettings service={props.service} />
      </div>
    </div>
  );
}
