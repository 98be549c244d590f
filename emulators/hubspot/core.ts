import type { Clock } from '../shared/clock';
import type { AppEvents } from './app-events';
import type { EmulatorConfig } from './emulator';
import type { RecordService } from './objects/records';
import type { EmulatorState } from './state';
import type { PortalUsers } from './users';
import type { WorkflowActions } from './workflow-actions';

/**
 * What the API routes share: the clock, the portal's configuration, state and users, and the emulator's machinery
 * (records, workflow actions, app events). The routes depend on this and nothing more; only the control plane
 * (control.ts) sees the whole emulator.
 */
export interface Core {
  readonly clock: Clock;
  readonly config: EmulatorConfig;
  readonly state: EmulatorState;
  readonly records: RecordService;
  readonly users: PortalUsers;
  readonly workflowActions: WorkflowActions;
  readonly appEvents: AppEvents;
  /** Runs `fn` all-or-nothing: on a throw the state is restored and its changes emit no webhooks. */
  transaction<T>(fn: () => T): T;
}
