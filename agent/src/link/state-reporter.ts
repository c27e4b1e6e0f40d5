import type { AgentMessage, HostEvent, HostStateUpdate } from '@berth/protocol';
import type { Engine } from '../engine/engine.ts';
import { isEngineError } from '../engine/errors.ts';
import type { EngineEvent } from '../engine/events/event-bus.ts';
import {
  containerSummary,
  hostState,
  hostStats,
  imageSummaries,
  networkSummaries,
  volumeSummaries,
} from './host-summaries.ts';

export interface StateReporterOptions {
  /** engine events arriving within this window become one update */
  debounceMs?: number;
  /** host stats are refreshed this often even when nothing happens */
  statsIntervalMs?: number;
}

/**
 * Tells the control plane what this host has: everything when the link (re)connects, then
 * updates that engine events cause, gathered for a moment so a burst (docker compose up, a prune)
 * becomes one frame.
 */
export class StateReporter {
  private readonly dirtyContainers = new Set<string>();
  private imagesDirty = false;
  private volumesDirty = false;
  private networksDirty = false;
  private events: HostEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private statsTimer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly send: (message: AgentMessage) => void,
    private readonly options: StateReporterOptions = {},
  ) {}

  async start(): Promise<void> {
    this.unsubscribe = this.engine.events.subscribe((e) => this.onEvent(e));
    this.send({ type: 'state', state: await hostState(this.engine) });
    this.statsTimer = setInterval(
      () =>
        void hostStats(this.engine)
          .then((stats) => this.send({ type: 'state-update', update: { stats, events: [] } }))
          .catch((err) => console.error(`host stats: ${err instanceof Error ? err.message : err}`)),
      this.options.statsIntervalMs ?? 10_000,
    );
    this.statsTimer.unref();
  }

  stop(): void {
    this.unsubscribe?.();
    clearTimeout(this.timer);
    clearInterval(this.statsTimer);
  }

  private onEvent(e: EngineEvent): void {
    if (e.type === 'container') this.dirtyContainers.add(e.id);
    if (e.type === 'image') this.imagesDirty = true;
    if (e.type === 'volume') this.volumesDirty = true;
    if (e.type === 'network') this.networksDirty = true;
    if (this.events.length < 1000) {
      this.events.push({
        type: e.type,
        action: e.action.slice(0, 64),
        id: e.id.slice(0, 256),
        attributes: e.attributes,
        at: Number(e.timeNano / 1_000_000n),
      });
    }
    this.timer ??= setTimeout(() => void this.flush(), this.options.debounceMs ?? 100);
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    const ids = [...this.dirtyContainers];
    this.dirtyContainers.clear();
    const update: HostStateUpdate = { events: this.events, stats: await hostStats(this.engine) };
    this.events = [];
    if (ids.length > 0) {
      update.containers = { upsert: [], remove: [] };
      for (const id of ids) {
        try {
          update.containers.upsert.push(containerSummary(this.engine, this.engine.containers.get(id)));
        } catch (err) {
          if (!isEngineError(err, 'not_found')) throw err;
          update.containers.remove.push(id);
        }
      }
    }
    if (this.imagesDirty) update.images = await imageSummaries(this.engine);
    if (this.volumesDirty) update.volumes = await volumeSummaries(this.engine);
    if (this.networksDirty) update.networks = networkSummaries(this.engine);
    this.imagesDirty = this.volumesDirty = this.networksDirty = false;
    this.send({ type: 'state-update', update });
  }
}
