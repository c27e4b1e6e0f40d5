import { EventEmitter } from 'node:events';
import {
  type AgentMessage,
  ControlMessage,
  HEARTBEAT_INTERVAL_MS,
  HEARTBEAT_TIMEOUT_MS,
  type HostInfo,
  LINK_PATH,
  LinkClose,
  MAX_FRAME_BYTES,
  parseFrame,
} from '@berth/protocol';
import WebSocket from 'ws';
import { backoffDelay } from './backoff.ts';
import { type HostCredential, readCredential, writeCredential } from './credential-store.ts';
import type { LinkChannel, RequestHandler } from './request-handler.ts';

/** What serves the control plane's requests while one connection lasts. */
export type LinkSession = Pick<RequestHandler, 'onMessage' | 'onBinary' | 'close'>;

export interface LinkClientOptions {
  controlPlane: string;
  joinToken?: string;
  credentialFile: string;
  hostInfo: () => Promise<HostInfo>;
  log: (message: string) => void;
  /** called after each welcome; without it the agent only keeps its presence */
  openSession?: (channel: LinkChannel) => LinkSession;
}

export interface LinkClientEvents {
  connected: [hostId: string];
  disconnected: [reason: string];
}

/** `ws(s)://host/api/agent/link` from whatever form of the control plane's URL the operator gave. */
export function linkUrl(controlPlane: string): string {
  const url = new URL(LINK_PATH, controlPlane);
  url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
  return url.toString();
}

/**
 * The agent's end of the link: it dials out (so hosts behind NAT work), joins
 * once with a join token, then always authenticates with the credential it was
 * given, and keeps the connection alive and coming back until stopped.
 */
export class LinkClient extends EventEmitter<LinkClientEvents> {
  private socket: WebSocket | undefined;
  private stopped = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private lastFrameAt = 0;
  private session: LinkSession | undefined;

  constructor(private readonly options: LinkClientOptions) {
    super();
  }

  async start(): Promise<void> {
    const existing = await readCredential(this.options.credentialFile);
    if (existing && existing.controlPlane !== this.options.controlPlane) {
      throw new Error(
        `this agent already joined ${existing.controlPlane}; it obeys only that control plane ` +
          `(remove ${this.options.credentialFile} to join another)`,
      );
    }
    if (!existing && !this.options.joinToken) {
      throw new Error('not joined yet: pass --join-token (create one in the control plane)');
    }
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.heartbeatTimer);
    this.socket?.close(1000, 'agent stopping');
  }

  private connect(): void {
    const socket = new WebSocket(linkUrl(this.options.controlPlane), {
      handshakeTimeout: 10_000,
      maxPayload: MAX_FRAME_BYTES,
    });
    this.socket = socket;
    socket.on('open', () => void this.sendHello(socket));
    socket.on('message', (data, isBinary) => {
      this.lastFrameAt = Date.now();
      if (isBinary) this.onBinary(socket, data as Buffer);
      else void this.onFrame(socket, data.toString());
    });
    socket.on('error', (err) => this.options.log(`link: ${err.message}`));
    socket.on('close', (code, reason) => this.onClose(code, reason.toString()));
  }

  private async sendHello(socket: WebSocket): Promise<void> {
    const credential = await readCredential(this.options.credentialFile);
    const auth: Extract<AgentMessage, { type: 'hello' }>['auth'] = credential
      ? { kind: 'host', hostId: credential.hostId, credential: credential.credential }
      : { kind: 'join', joinToken: this.options.joinToken ?? '' };
    this.send(socket, { type: 'hello', auth, host: await this.options.hostInfo() });
  }

  private protocolError(socket: WebSocket, why: string): void {
    this.options.log(`link: control plane sent a bad frame (${why}); reconnecting`);
    socket.close(LinkClose.badMessage, 'bad frame');
  }

  private onBinary(socket: WebSocket, data: Buffer): void {
    if (!this.session?.onBinary(data)) this.protocolError(socket, 'binary frame outside a stream');
  }

  private async onFrame(socket: WebSocket, text: string): Promise<void> {
    const message = parseFrame(ControlMessage, text);
    if (message instanceof Error) return this.protocolError(socket, message.message);
    switch (message.type) {
      case 'welcome':
        if (message.credential) {
          const joined: HostCredential = {
            controlPlane: this.options.controlPlane,
            hostId: message.hostId,
            credential: message.credential,
          };
          await writeCredential(this.options.credentialFile, joined);
        }
        this.attempt = 0;
        this.startHeartbeats(socket);
        this.session?.close();
        this.session = this.options.openSession?.({
          send: (m) => this.send(socket, m),
          sendBinary: (frame) => {
            if (socket.readyState === WebSocket.OPEN) socket.send(frame, { binary: true });
          },
        });
        this.options.log(`link: connected to ${this.options.controlPlane} as host ${message.hostId}`);
        this.emit('connected', message.hostId);
        break;
      case 'refused':
        this.options.log(`link: refused by the control plane: ${message.reason}`);
        break;
      case 'heartbeat':
        break;
      case 'call':
      case 'open':
      case 'cancel':
      case 'credit':
      case 'input-end':
      case 'resize':
        // requests are obeyed only on a link this agent authenticated as its host
        if (!this.session?.onMessage(message)) this.protocolError(socket, `${message.type} before welcome`);
        break;
      default: {
        const unreachable: never = message;
        throw new Error(`unhandled frame ${JSON.stringify(unreachable)}`);
      }
    }
  }

  private startHeartbeats(socket: WebSocket): void {
    clearInterval(this.heartbeatTimer);
    this.lastFrameAt = Date.now();
    this.heartbeatTimer = setInterval(() => {
      if (Date.now() - this.lastFrameAt > HEARTBEAT_TIMEOUT_MS) {
        this.options.log('link: no heartbeat from the control plane; reconnecting');
        socket.terminate();
        return;
      }
      this.send(socket, { type: 'heartbeat', sentAt: Date.now() });
    }, HEARTBEAT_INTERVAL_MS);
    this.heartbeatTimer.unref();
  }

  private send(socket: WebSocket, message: AgentMessage): void {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  private onClose(code: number, reason: string): void {
    clearInterval(this.heartbeatTimer);
    this.session?.close();
    this.session = undefined;
    this.socket = undefined;
    if (this.stopped) return;
    const why = reason || `code ${code}`;
    this.emit('disconnected', why);
    const delay = backoffDelay(this.attempt++);
    this.options.log(`link: disconnected (${why}); retrying in ${(delay / 1000).toFixed(1)} s`);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }
}
