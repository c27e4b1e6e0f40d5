/**
 * What the terminal view needs from a session transport: attach (with replay), input, resize,
 * detach. The transport reconnects on its own after a dropped connection and reports its state.
 */
export type TerminalLinkState =
  | { kind: 'connecting' }
  | { kind: 'open' }
  | { kind: 'reconnecting' }
  | { kind: 'ended'; exitCode: number | null };

export type TerminalAttachment = {
  input(data: string): void;
  resize(cols: number, rows: number): void;
  /** leaves the session running (another tab, a reload, can attach again) */
  detach(): void;
};

export type TerminalLink = {
  attach(handlers: {
    size: { cols: number; rows: number };
    /** replay: the session's buffered output from its start, sent on every (re)attach */
    onOutput(data: Uint8Array | string, replay: boolean): void;
    onState(state: TerminalLinkState): void;
  }): TerminalAttachment;
};
