/** The volume-name rule of the link's volumes.create input, taken from that schema. */
import { Calls } from '@berth/protocol';

export const VolumeName = Calls['volumes.create'].input.shape.name.unwrap();
