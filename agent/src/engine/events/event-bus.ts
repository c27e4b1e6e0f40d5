import { EventEmitter } from 'node:events';

/**
 * Engine events, in the shape Docker's /events reports them, so the Docker
 * API and the control-plane link forward them without translation.
 */
export type EventType = 'container' | 'image' | 'volume' | 'network';

export interface EngineEvent {
  type: EventType;
  /** create, start, die, oom, kill, destroy, pause, unpause, rename, restart, load, tag, untag, delete, … */
  action: string;
  /** id of the object the event is about */
  id: string;
  /** name, image, exitCode, signal… as strings, Docker's Actor.Attributes */
  attributes: Record<string, string>;
  /** unix time in nanoseconds */
  timeNano: bigint;
}

/** Keeps the last events so a subscriber asking for `since` gets what it missed (Docker keeps 256). */
const HISTORY = 1024;

export class EventBus {
  private readonly emitter = new EventEmitter();
  private readonly history: EngineEvent[] = [];

  constructor() {
    // every `docker events` and every control-plane stream is a listener
    this.emitter.setMaxListeners(0);
  }

  publish(type: EventType, action: string, id: string, attributes: Record<string, string> = {}): EngineEvent {
    const event: EngineEvent = {
      type,
      action,
      id,
      attributes,
      timeNano: process.hrtime.bigint() + epochOffset,
    };
    this.history.push(event);
    if (this.history.length > HISTORY) this.history.shift();
    this.emitter.emit('event', event);
    return event;
  }

  /** Past events from `sinceNano` (inclusive) followed by live ones, until the returned function is called. */
  subscribe(listener: (event: EngineEvent) => void, sinceNano?: bigint): () => void {
    if (sinceNano !== undefined) {
      for (const event of this.history) if (event.timeNano >= sinceNano) listener(event);
    }
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}

// hrtime is monotonic and fine-grained; anchor it to the wall clock once so event times are unix times
const epochOffset = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
