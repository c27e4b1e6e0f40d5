/** The shapes of the agent's answers that `berth engine` reads fields of (loose: more fields pass). */
import { z } from 'zod';

export const ContainerSummary = z.looseObject({
  Id: z.string(),
  Names: z.array(z.string()),
  Image: z.string(),
  Command: z.string(),
  Created: z.number(),
  Status: z.string(),
  Ports: z
    .array(
      z.looseObject({
        IP: z.string().optional(),
        PrivatePort: z.number(),
        PublicPort: z.number().optional(),
        Type: z.string(),
      }),
    )
    .nullish(),
});

export const ContainerInspect = z.looseObject({
  Id: z.string(),
  Config: z.looseObject({ Tty: z.boolean().nullish() }),
  State: z.looseObject({ Running: z.boolean(), ExitCode: z.number() }),
});

export const ImageSummary = z.looseObject({
  Id: z.string(),
  RepoTags: z.array(z.string()).nullish(),
  Created: z.number(),
  Size: z.number(),
});

export const VolumeSummary = z.looseObject({ Name: z.string(), Driver: z.string() });
export const VolumeList = z.looseObject({ Volumes: z.array(VolumeSummary).nullish() });

export const Created = z.looseObject({ Id: z.string(), Warnings: z.array(z.string()).nullish() });
export const WaitResult = z.looseObject({ StatusCode: z.number() });
export const ExecInspect = z.looseObject({ ExitCode: z.number().nullish(), Running: z.boolean() });
export const Top = z.looseObject({ Titles: z.array(z.string()), Processes: z.array(z.array(z.string())) });
export const Changes = z.array(z.looseObject({ Kind: z.number(), Path: z.string() })).nullish();

/** The JSON-lines progress of load and import; an `error` line is a failure after the 200. */
export const ProgressLine = z.looseObject({
  stream: z.string().optional(),
  status: z.string().optional(),
  id: z.string().optional(),
  progress: z.string().optional(),
  error: z.string().optional(),
  errorDetail: z.looseObject({ message: z.string() }).optional(),
});

export const EventMessage = z.looseObject({
  Type: z.string(),
  Action: z.string(),
  Actor: z.looseObject({ ID: z.string(), Attributes: z.record(z.string(), z.string()).nullish() }),
  timeNano: z.number(),
});

const CpuStats = z.looseObject({
  cpu_usage: z.looseObject({ total_usage: z.number() }),
  system_cpu_usage: z.number().nullish(),
  online_cpus: z.number().nullish(),
});

export const StatsSample = z.looseObject({
  id: z.string(),
  name: z.string(),
  cpu_stats: CpuStats,
  precpu_stats: CpuStats.partial(),
  memory_stats: z.looseObject({ usage: z.number().nullish(), limit: z.number().nullish() }),
  pids_stats: z.looseObject({ current: z.number().nullish() }),
});

export const DeleteItems = z.array(
  z.looseObject({ Untagged: z.string().optional(), Deleted: z.string().optional() }),
);
export const PruneReport = z.looseObject({
  ImagesDeleted: DeleteItems.nullish(),
  VolumesDeleted: z.array(z.string()).nullish(),
  SpaceReclaimed: z.number().nullish(),
});
