export * from './host-info.ts';
export * from './link.ts';
