/**
 * The container routes the CLI calls (the REST side of the containers tRPC router, see
 * GET /api/v1/openapi.json, plus the exec websocket of `terminals/exec-socket.ts`). Keep this the
 * one place that names them.
 */
const q = encodeURIComponent;

export const containerRoutes = {
  /** GET → ContainerRow[] across every host the caller may view (optionally one host). */
  list: (opts: { hostId?: string | undefined; all: boolean }) =>
    `/containers?${opts.hostId ? `hostId=${q(opts.hostId)}&` : ''}all=${opts.all}`,
  /** POST {image, name?, cmd?, env?} → {id}: create and start. */
  run: (hostId: string) => `/hosts/${q(hostId)}/containers`,
  /** POST */
  stop: (hostId: string, id: string) => `/hosts/${q(hostId)}/containers/${q(id)}/stop`,
  /** POST {force} */
  remove: (hostId: string, id: string) => `/hosts/${q(hostId)}/containers/${q(id)}/remove`,
  /** GET → JSON lines `{stream, text}` (open while following; a failure ends it with `{error}`). */
  logs: (
    hostId: string,
    id: string,
    opts: { follow: boolean; tail?: string | undefined; timestamps?: boolean | undefined },
  ) =>
    `/hosts/${q(hostId)}/containers/${q(id)}/logs?follow=${opts.follow}&timestamps=${opts.timestamps === true}${opts.tail ? `&tail=${q(opts.tail)}` : ''}`,
  /**
   * Websocket upgrade: binary frames are stdin → / ← stdout; text frames are JSON: →
   * {type:'resize', cols, rows}, {type:'stdin-end'}; ← {type:'stderr', data (base64)}, {type:'exit', code}.
   */
  exec: (hostId: string, id: string, opts: { cmd: string[]; tty: boolean }) =>
    `/hosts/${q(hostId)}/containers/${q(id)}/exec?cmd=${q(JSON.stringify(opts.cmd))}&tty=${opts.tty}`,
};

export interface ContainerRow {
  id: string;
  hostId: string;
  hostName?: string;
  name: string;
  image: string;
  state: string;
  status?: string;
}
