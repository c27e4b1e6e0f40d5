import type { Engine } from '../../engine/engine.ts';
import type { CallHandlers, RequestHandler, StreamHandlers } from '../request-handler.ts';
import { containerCalls } from './container-calls.ts';
import { containerStreams } from './container-streams.ts';
import { imagePullStream } from './image-pull.ts';
import { imageStreams, imageVolumeCalls } from './image-volume-procedures.ts';

/** Every procedure of the link, mapped to this engine. */
export function linkProcedures(
  engine: Engine,
  linkStats: () => ReturnType<RequestHandler['stats']>,
): { calls: CallHandlers; streams: StreamHandlers } {
  return {
    calls: {
      ...containerCalls(engine),
      ...imageVolumeCalls(engine),
      'agent.linkStats': async () => linkStats(),
    },
    streams: { ...containerStreams(engine), ...imageStreams(engine), ...imagePullStream(engine) },
  };
}
