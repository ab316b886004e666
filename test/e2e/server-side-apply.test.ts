/**
 * Server-side apply with real kubectl 1.32: ownership by field manager, conflicts and
 * --force-conflicts, removal of fields a manager stops applying, the client-side <->
 * server-side migration kubectl performs, and kubectl diff in both modes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kubectl, kubectlOk, startServerProcess, tempDir, type ServerProcess } from './helpers.js';

const deployment = (replicas: number, image: string, extraLabel = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ssa
  labels:
    app: web${extraLabel ? `\n    extra: ${extraLabel}` : ''}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: ${image}
        ports:
        - containerPort: 80
`;

interface Managed {
  manager: string;
  operation: string;
  fieldsV1: Record<string, unknown>;
}

describe('server-side apply with kubectl', () => {
  let srv: ServerProcess;
  let dir: ReturnType<typeof tempDir>;
  let kc: string;
  const k = (args: string[], opts?: Parameters<typeof kubectl>[2]) => kubectl(kc, args, opts);
  const ok = (args: string[], opts?: Parameters<typeof kubectl>[2]) => kubectlOk(kc, args, opts);
  const managed = async (res: string): Promise<Managed[]> =>
    (JSON.parse(await ok(['get', res, '-n', 'ssa', '-o', 'json', '--show-managed-fields'])) as { metadata: { managedFields: Managed[] } }).metadata
      .managedFields;

  before(async () => {
    dir = tempDir();
    // No controllers: the Deployment here is only an object whose fields managers fight over.
    srv = await startServerProcess(['--data-dir', dir.path, '--port', '0', '--disable-agent', '--disable-controller-manager']);
    kc = srv.kubeconfig;
    await ok(['create', 'namespace', 'ssa']);
  });
  after(async () => {
    await srv.stop();
    dir.remove();
  });

  it('creates with apply and records the applied fields under the manager', async () => {
    assert.equal((await ok(['apply', '--server-side', '-f', '-'], { stdin: deployment(2, 'nginx:1') })).trim(), 'deployment.apps/web serverside-applied');
    const mf = await managed('deployment/web');
    const mine = mf.find((e) => e.manager === 'kubectl' && e.operation === 'Apply');
    assert.ok(mine, JSON.stringify(mf));
    assert.deepEqual((mine.fieldsV1['f:spec'] as Record<string, unknown>)['f:replicas'], {});
    const containers = (((mine.fieldsV1['f:spec'] as any)['f:template']['f:spec']['f:containers']) as Record<string, any>)['k:{"name":"web"}'];
    assert.deepEqual(containers['f:ports'], { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } });
    // Applying the same configuration again changes nothing.
    const rv = await ok(['get', 'deployment/web', '-n', 'ssa', '-o', 'jsonpath={.metadata.resourceVersion}']);
    await ok(['apply', '--server-side', '-f', '-'], { stdin: deployment(2, 'nginx:1') });
    assert.equal(await ok(['get', 'deployment/web', '-n', 'ssa', '-o', 'jsonpath={.metadata.resourceVersion}']), rv);
  });

  it('reports a conflict with another manager, then takes the field over with --force-conflicts', async () => {
    await ok(['patch', 'deployment/web', '-n', 'ssa', '--type', 'merge', '-p', '{"spec":{"replicas":5}}']);
    let mf = await managed('deployment/web');
    assert.ok(mf.some((e) => e.manager === 'kubectl-patch' && e.operation === 'Update'));
    const conflict = await k(['apply', '--server-side', '-f', '-'], { stdin: deployment(3, 'nginx:1') });
    assert.equal(conflict.code, 1);
    assert.match(conflict.stderr, /^error: Apply failed with 1 conflict: conflict with "kubectl-patch" using apps\/v1: \.spec\.replicas$/m);
    // A second manager applying a different image conflicts with the first applier.
    const other = await k(['apply', '--server-side', '--field-manager', 'team-b', '-f', '-'], { stdin: deployment(5, 'nginx:2') });
    assert.equal(other.code, 1);
    assert.match(other.stderr, /conflict with "kubectl" using apps\/v1: \.spec\.template\.spec\.containers\[name="web"\]\.image/);
    await ok(['apply', '--server-side', '--force-conflicts', '-f', '-'], { stdin: deployment(3, 'nginx:1') });
    assert.equal(await ok(['get', 'deployment/web', '-n', 'ssa', '-o', 'jsonpath={.spec.replicas}']), '3');
    mf = await managed('deployment/web');
    assert.ok(!mf.some((e) => e.manager === 'kubectl-patch'), 'kubectl-patch lost its only field');
  });

  it('removes a field the manager stops applying, but keeps one another manager co-owns', async () => {
    await ok(['apply', '--server-side', '-f', '-'], { stdin: deployment(3, 'nginx:1', 'present') });
    assert.equal(await ok(['get', 'deployment/web', '-n', 'ssa', '-o', 'jsonpath={.metadata.labels.extra}']), 'present');
    await ok(['apply', '--server-side', '-f', '-'], { stdin: deployment(3, 'nginx:1') });
    assert.equal(await ok(['get', 'deployment/web', '-n', 'ssa', '-o', 'jsonpath={.metadata.labels.extra}']), '');
    // Co-owned: team-b applies the same label value, then kubectl drops it: the label stays.
    await ok(['apply', '--server-side', '-f', '-'], { stdin: deployment(3, 'nginx:1', 'shared') });
    await ok(['apply', '--server-side', '--field-manager', 'team-b', '-f', '-'], {
      stdin: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: ssa\n  labels:\n    extra: shared\n',
    });
    await ok(['apply', '--server-side', '-f', '-'], { stdin: deployment(3, 'nginx:1') });
    assert.equal(await ok(['get', 'deployment/web', '-n', 'ssa', '-o', 'jsonpath={.metadata.labels.extra}']), 'shared');
  });

  it('diffs against the server with --server-side and client-side', async () => {
    const same = await k(['diff', '--server-side', '-f', '-'], { stdin: deployment(3, 'nginx:1') });
    assert.equal(same.code, 0, same.stderr + same.stdout);
    const changed = await k(['diff', '--server-side', '-f', '-'], { stdin: deployment(3, 'nginx:9') });
    assert.equal(changed.code, 1, changed.stderr);
    assert.match(changed.stdout, /^-\s+- image: nginx:1$/m);
    assert.match(changed.stdout, /^\+\s+- image: nginx:9$/m);
  });

  it('moves between client-side and server-side apply as kubectl migrates ownership', async () => {
    const cm = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: ssa\ndata:\n${data}`;
    assert.equal((await ok(['apply', '-f', '-'], { stdin: cm('  a: "1"\n  b: "2"\n') })).trim(), 'configmap/cfg created');
    assert.equal((await ok(['apply', '-f', '-'], { stdin: cm('  a: "1"\n  b: "2"\n') })).trim(), 'configmap/cfg unchanged');
    let mf = await managed('configmap/cfg');
    assert.deepEqual(mf.map((e) => `${e.manager}/${e.operation}`), ['kubectl-client-side-apply/Update']);
    // Server-side apply takes over what client-side apply owned, so dropping b removes it.
    await ok(['apply', '--server-side', '-f', '-'], { stdin: cm('  a: "1"\n  b: "2"\n') });
    mf = await managed('configmap/cfg');
    assert.ok(mf.some((e) => e.manager === 'kubectl' && e.operation === 'Apply'), JSON.stringify(mf));
    assert.ok(!mf.some((e) => e.manager === 'kubectl-client-side-apply'), JSON.stringify(mf));
    await ok(['apply', '--server-side', '-f', '-'], { stdin: cm('  a: "1"\n  c: "3"\n') });
    assert.equal(await ok(['get', 'cm/cfg', '-n', 'ssa', '-o', 'jsonpath={.data}']), '{"a":"1","c":"3"}');
    // And back to client-side apply, which uses the last-applied annotation server-side apply kept.
    assert.equal((await ok(['apply', '-f', '-'], { stdin: cm('  a: "1"\n') })).trim(), 'configmap/cfg configured');
    assert.equal(await ok(['get', 'cm/cfg', '-n', 'ssa', '-o', 'jsonpath={.data}']), '{"a":"1"}');
  });
});
