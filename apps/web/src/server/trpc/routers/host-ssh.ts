import { z } from 'zod';
import { addHostOverSsh } from '../../hosts/ssh/add-host-over-ssh.ts';
import { sshAddInput } from '../../hosts/ssh/ssh-add-input.ts';
import { adminProcedure, router } from '../init.ts';

/** Adding a host over SSH: start an attempt, then poll it for progress, the fingerprint and the outcome. */
export const hostSshRouter = router({
  start: adminProcedure.input(sshAddInput).mutation(({ ctx, input }) => {
    const { job, done } = addHostOverSsh(ctx.deps, ctx.user, input);
    done.catch((err: unknown) =>
      ctx.deps.log(`berth: adding ${job.target} over SSH: ${(err as Error).message}`),
    );
    return { jobId: job.id };
  }),

  status: adminProcedure
    .input(z.object({ jobId: z.uuid() }))
    .query(({ ctx, input }) => ctx.deps.sshAdd.jobs.get(input.jobId, ctx.user.id)),
});
