/**
 * How services reach a host: `call` a procedure or open a `stream` on the host's live link.
 * A host that is unknown or offline gets a clear error at once (never a hang); a deadline or the
 * caller's signal ends a request on both sides.
 */
import type { Db } from '@berth/db';
import type {
  CallInput,
  CallName,
  CallOutput,
  HostStats,
  StreamInput,
  StreamItem,
  StreamName,
  StreamResult,
} from '@berth/protocol';
import { ServiceError } from '../errors.ts';
import type { AgentConnection, CallOptions } from './agent-connection.ts';
import type { LinkStream } from './link-stream.ts';

export class HostGateway {
  private readonly connections = new Map<string, AgentConnection>();
  private readonly stats = new Map<string, HostStats>();

  constructor(private readonly db: Db) {}

  attach(connection: AgentConnection): void {
    this.connections.set(connection.hostId, connection);
  }

  /** Only the connection that is current for its host detaches it (a replaced one does not). */
  detach(connection: AgentConnection, why: string): void {
    if (this.connections.get(connection.hostId) === connection) this.connections.delete(connection.hostId);
    connection.close(why);
  }

  isConnected(hostId: string): boolean {
    return this.connections.has(hostId);
  }

  connectedCount(): number {
    return this.connections.size;
  }

  recordStats(hostId: string, stats: HostStats): void {
    this.stats.set(hostId, stats);
  }

  hostStats(hostId: string): HostStats | undefined {
    return this.stats.get(hostId);
  }

  private async connection(hostId: string): Promise<AgentConnection> {
    const live = this.connections.get(hostId);
    if (live) return live;
    const host = await this.db.host.findUnique({
      where: { id: hostId },
      select: { name: true, lastSeenAt: true },
    });
    if (!host) throw new ServiceError('not-found', `unknown host ${hostId}`);
    const seen = host.lastSeenAt ? `last seen ${host.lastSeenAt.toISOString()}` : 'never seen';
    throw new ServiceError('unavailable', `host ${host.name} is offline, ${seen}`);
  }

  async call<N extends CallName>(
    hostId: string,
    procedure: N,
    input: CallInput<N>,
    options: CallOptions = {},
  ): Promise<CallOutput<N>> {
    const connection = await this.connection(hostId);
    return (await connection.call(procedure, input, options)) as CallOutput<N>;
  }

  async stream<N extends StreamName>(
    hostId: string,
    procedure: N,
    input: StreamInput<N>,
    options: { signal?: AbortSignal } = {},
  ): Promise<LinkStream<StreamItem<N>, StreamResult<N>>> {
    const connection = await this.connection(hostId);
    return connection.open(procedure, input, options.signal) as LinkStream<StreamItem<N>, StreamResult<N>>;
  }
}
