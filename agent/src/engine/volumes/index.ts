export { type PopulateResult, populateFromImage } from './populate.ts';
export { type IsInUse, VolumeStore } from './store.ts';
export {
  ANONYMOUS_LABEL,
  CreateVolumeRequest,
  type PruneResult,
  type VolumeInspect,
  type VolumeListFilters,
  VolumeName,
} from './types.ts';
