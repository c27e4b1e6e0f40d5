import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isEngineError } from '../errors.ts';
import { applyDockerfileChanges } from './dockerfile-changes.ts';

describe('Dockerfile changes (import/commit --change)', () => {
  it('applies every supported instruction', () => {
    const c = applyDockerfileChanges({ Env: ['A=old', 'PATH=/bin'] }, [
      'CMD echo hi',
      'ENTRYPOINT ["/init"]',
      'ENV A=new B="x y"',
      'ENV LEGACY some value',
      'EXPOSE 80 53/udp',
      'LABEL a=b "c"=d',
      'VOLUME ["/data", "/logs"]',
      'USER 1000:1000',
      'WORKDIR /srv',
      'WORKDIR app',
      'STOPSIGNAL SIGINT',
      'ONBUILD RUN true',
    ]);
    assert.deepEqual(c.Cmd, ['/bin/sh', '-c', 'echo hi']);
    assert.deepEqual(c.Entrypoint, ['/init']);
    assert.deepEqual(c.Env, ['PATH=/bin', 'A=new', 'B=x y', 'LEGACY=some value']);
    assert.deepEqual(c.ExposedPorts, { '80/tcp': {}, '53/udp': {} });
    assert.deepEqual(c.Volumes, { '/data': {}, '/logs': {} });
    assert.equal(c.User, '1000:1000');
    assert.equal(c.WorkingDir, '/srv/app');
    assert.equal(c.StopSignal, 'SIGINT');
    assert.deepEqual(c.OnBuild, ['RUN true']);
    assert.equal(c.Labels?.a, 'b');
  });
  it('refuses unknown instructions and bad ports', () => {
    assert.throws(
      () => applyDockerfileChanges({}, ['RUN rm -rf /']),
      (e) => isEngineError(e, 'invalid'),
    );
    assert.throws(
      () => applyDockerfileChanges({}, ['EXPOSE eighty']),
      (e) => isEngineError(e, 'invalid'),
    );
  });
});
