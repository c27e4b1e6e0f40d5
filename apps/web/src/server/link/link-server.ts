/**
 * The control plane's end of the agent link (LINK_PATH): one websocket per agent. The first frame
 * must be a hello (join token or host credential); after the welcome, the agent sends heartbeats
 * and we answer each. Anything off-protocol is refused with a LinkClose code, logged, and changes
 * nothing. A closed or silent link marks its host offline.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  AgentMessage,
  type ControlMessage,
  decodeDataFrame,
  HEARTBEAT_TIMEOUT_MS,
  LinkClose,
  MAX_FRAME_BYTES,
  parseFrame,
} from '@berth/protocol';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import type { Deps } from '../deps.ts';
import { ServiceError } from '../errors.ts';
import { applyHostStateUpdate, replaceHostState } from '../host-state/reconcile-host-state.ts';
import { AgentConnection } from './agent-connection.ts';
import { authenticateHost, joinHost, markHostOffline } from './host-presence.ts';
import { PresenceWriter } from './presence-writer.ts';
import { WriteLimiter } from './write-limiter.ts';

export interface LinkServerOptions {
  /** Close a link that sent nothing for this long (protocol default: three missed heartbeats). */
  heartbeatTimeoutMs?: number;
  /** Close a connection that has not said hello within this long. */
  helloTimeoutMs?: number;
  /** How often heartbeats are written to `lastSeenAt` (batched). */
  presenceFlushMs?: number;
}

export interface LinkServer {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Host ids with a live, authenticated link. */
  connectedHostIds(): string[];
  /** Says goodbye to every agent (1001) and waits until their hosts are marked offline. */
  close(): Promise<void>;
}

export function createLinkServer(
  deps: Pick<Deps, 'db' | 'log' | 'gateway' | 'hostFeed'>,
  options: LinkServerOptions = {},
): LinkServer {
  const heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? HEARTBEAT_TIMEOUT_MS;
  const helloTimeoutMs = options.helloTimeoutMs ?? 10_000;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const live = new Map<string, WebSocket>();
  const writes = new Set<Promise<void>>();
  const presence = new PresenceWriter(deps.db, deps.log, options.presenceFlushMs);
  // hundreds of agents reconnecting at once must not each hold a pooled connection in a transaction
  const stateWrites = new WriteLimiter(4);

  /** Presence writes run in the background; close() waits for them. */
  function track(write: Promise<void>): void {
    const done = write.catch((err) => deps.log(`link: database write failed: ${(err as Error).message}`));
    writes.add(done);
    void done.finally(() => writes.delete(done));
  }

  function send(ws: WebSocket, message: ControlMessage): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  }

  function onConnection(ws: WebSocket, req: IncomingMessage): void {
    const address = req.socket.remoteAddress ?? 'unknown';
    let hostId: string | undefined;
    let connection: AgentConnection | undefined;
    let closed = false;
    let chain = Promise.resolve();
    // state reports are written in order, without holding up answers to requests
    let stateChain = Promise.resolve();
    const writeState = (
      id: string,
      write: () => Promise<Parameters<Deps['hostFeed']['publish']>[0]['kinds']>,
    ) => {
      stateChain = stateChain
        .then(() => stateWrites.run(write))
        .then((kinds) => {
          if (kinds.length > 0) deps.hostFeed.publish({ hostId: id, kinds });
        })
        .catch((err) => deps.log(`link: host ${id}: storing its state failed: ${(err as Error).message}`));
      track(stateChain);
    };

    const refuse = (code: number, reason: string) => {
      if (closed) return;
      closed = true; // one refusal per connection; later frames are ignored
      deps.log(`link: refused ${hostId ? `host ${hostId}` : address}: ${reason}`);
      send(ws, { type: 'refused', reason });
      ws.close(code, reason.slice(0, 120));
      // A peer that never answers the close handshake is cut off.
      setTimeout(() => ws.terminate(), 2000).unref();
    };

    let timer = setTimeout(() => refuse(LinkClose.unauthorized, 'no hello in time'), helloTimeoutMs);

    const onHello = async (message: Extract<AgentMessage, { type: 'hello' }>) => {
      const { auth, host: info } = message;
      let credential: string | undefined;
      let hostName: string;
      try {
        if (auth.kind === 'join') {
          ({ hostId, hostName, credential } = await joinHost(deps.db, {
            joinToken: auth.joinToken,
            info,
            address,
          }));
          deps.log(`link: host ${info.hostname} joined as ${hostId} from ${address}`);
        } else {
          ({ hostId, hostName } = await authenticateHost(deps.db, {
            hostId: auth.hostId,
            credential: auth.credential,
            info,
          }));
        }
      } catch (err) {
        if (err instanceof ServiceError) return refuse(LinkClose.unauthorized, err.message);
        deps.log(`link: hello from ${address} failed: ${(err as Error).message}`);
        return ws.close(1011, 'internal error');
      }
      if (closed) {
        // The agent left while we were checking it; a joined host keeps its record, shown offline.
        track(markHostOffline(deps.db, hostId));
        return;
      }
      live.get(hostId)?.close(LinkClose.replaced, 'replaced by a newer connection');
      live.set(hostId, ws);
      connection = new AgentConnection(hostId, hostName, ws);
      deps.gateway.attach(connection);
      deps.hostFeed.publish({ hostId, kinds: ['presence'] });
      clearTimeout(timer);
      timer = setTimeout(
        () => refuse(LinkClose.heartbeatTimeout, 'no heartbeat in time'),
        heartbeatTimeoutMs,
      );
      send(ws, { type: 'welcome', hostId, ...(credential ? { credential } : {}) });
    };

    const onFrame = async (data: RawData, isBinary: boolean) => {
      if (closed) return;
      if (isBinary) {
        const frame = connection ? decodeDataFrame(data as Buffer) : new Error('binary frame before hello');
        if (frame instanceof Error) return refuse(LinkClose.badMessage, frame.message);
        if (!connection?.onData(frame))
          return refuse(LinkClose.badMessage, 'stream bytes beyond their credit');
        return;
      }
      const message = parseFrame(AgentMessage, data.toString());
      if (message instanceof Error) return refuse(LinkClose.badMessage, `bad frame: ${message.message}`);
      if (!hostId) {
        if (message.type !== 'hello') return refuse(LinkClose.badMessage, 'the first frame must be a hello');
        return await onHello(message);
      }
      switch (message.type) {
        case 'hello':
          return refuse(LinkClose.badMessage, 'already authenticated');
        case 'heartbeat':
          timer.refresh();
          presence.touch(hostId);
          return send(ws, { type: 'heartbeat', sentAt: Date.now() });
        case 'result':
        case 'item':
        case 'end':
        case 'credit':
          timer.refresh();
          if (!connection?.onReply(message)) return refuse(LinkClose.badMessage, `malformed ${message.type}`);
          return;
        case 'state': {
          timer.refresh();
          const { state } = message;
          deps.gateway.recordStats(hostId, state.stats);
          return writeState(hostId, () => replaceHostState(deps.db, hostId as string, state));
        }
        case 'state-update': {
          timer.refresh();
          const { update } = message;
          if (update.stats) deps.gateway.recordStats(hostId, update.stats);
          return writeState(hostId, () => applyHostStateUpdate(deps.db, hostId as string, update));
        }
        default: {
          const unreachable: never = message;
          return refuse(LinkClose.badMessage, `unexpected frame ${JSON.stringify(unreachable)}`);
        }
      }
    };

    // Frames are handled one at a time, so a heartbeat never overtakes the hello it follows.
    ws.on('message', (data, isBinary) => {
      chain = chain.then(() => onFrame(data, isBinary));
    });
    ws.on('error', (err) => deps.log(`link: ${address}: ${err.message}`));
    ws.on('close', () => {
      closed = true;
      clearTimeout(timer);
      if (connection) deps.gateway.detach(connection, 'its link closed');
      if (hostId && live.get(hostId) === ws) {
        live.delete(hostId);
        const id = hostId;
        track(
          markHostOffline(deps.db, id).then(() => deps.hostFeed.publish({ hostId: id, kinds: ['presence'] })),
        );
      }
    });
  }

  wss.on('connection', onConnection);

  return {
    handleUpgrade(req, socket, head) {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    connectedHostIds: () => [...live.keys()],
    async close() {
      for (const ws of wss.clients) ws.close(1001, 'control plane stopping');
      const deadline = Date.now() + 2000;
      while ([...wss.clients].some((ws) => ws.readyState !== WebSocket.CLOSED) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      for (const ws of wss.clients) ws.terminate();
      // terminate() emits 'close' on the next tick; let those handlers queue their writes.
      await new Promise((r) => setImmediate(r));
      await presence.close();
      while (writes.size > 0) await Promise.all([...writes]);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
