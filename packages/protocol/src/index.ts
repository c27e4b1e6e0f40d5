export * from './host-info.ts';
export * from './host-state.ts';
export * from './link.ts';
export * from './procedures.ts';
export * from './rpc.ts';
