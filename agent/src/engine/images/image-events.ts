import type { Digest } from '../content/digest.ts';

/** Docker's image event actions that the image store emits. */
export type ImageAction =
  | 'load'
  | 'import'
  | 'tag'
  | 'untag'
  | 'delete'
  | 'save'
  | 'commit'
  | 'pull'
  | 'push';

export interface ImageEvent {
  type: 'image';
  action: ImageAction;
  /** image id (config digest) */
  id: Digest;
  /** the reference concerned, in Docker's familiar form (`busybox:latest`), when there is one */
  ref?: string;
  /** milliseconds since the epoch */
  time: number;
}

export type Unsubscribe = () => void;

/** What other modules (the events stream, the control-plane link) subscribe to. */
export interface EventSource<E> {
  subscribe(listener: (event: E) => void): Unsubscribe;
}

/** A synchronous typed emitter; a throwing listener is isolated from the others and from the emitter. */
export class TypedEmitter<E> implements EventSource<E> {
  private readonly listeners = new Set<(event: E) => void>();

  subscribe(listener: (event: E) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: E): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // a subscriber's bug must not break the operation that emitted
      }
    }
  }
}
