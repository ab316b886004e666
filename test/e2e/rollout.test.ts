/**
 * Deployments through real kubectl 1.32 against `k8ts server`, with a stand-in kubelet in the
 * test that reports every pod Running and Ready (no real node yet): create, scale, set image,
 * rollout status/history/undo/pause/resume/restart, the Recreate strategy, and the tables.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadKubeconfig, RestClient } from '../../src/client/index.js';
import { kubectl, kubectlOk, startServerProcess, tempDir, type ServerProcess } from './helpers.js';

interface Pod {
  metadata: { name: string; namespace: string };
  spec: { containers: { name: string; image: string }[] };
  status?: { phase?: string };
}

describe('kubectl rollout with the deployment and replicaset controllers', () => {
  let srv: ServerProcess;
  let dir: ReturnType<typeof tempDir>;
  let kc: string;
  let rest: RestClient;
  let stopKubelet = false;
  let kubelet: Promise<void>;
  const ok = (args: string[], opts?: Parameters<typeof kubectl>[2]) => kubectlOk(kc, args, opts);
  const k = (args: string[]) => kubectl(kc, args);

  before(async () => {
    dir = tempDir();
    srv = await startServerProcess(['--data-dir', dir.path, '--port', '0', '--disable-agent']);
    kc = srv.kubeconfig;
    rest = new RestClient(loadKubeconfig(kc));
    kubelet = (async () => {
      while (!stopKubelet) {
        const pods = (await rest.request({ path: '/api/v1/pods' })).json<{ items: Pod[] }>().items;
        for (const p of pods.filter((x) => x.status?.phase === 'Pending')) {
          const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
          await rest.request({
            method: 'PATCH',
            path: `/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}/status`,
            contentType: 'application/merge-patch+json',
            body: {
              status: {
                phase: 'Running',
                conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }],
                containerStatuses: p.spec.containers.map((c) => ({ name: c.name, image: c.image, imageID: '', ready: true, started: true, restartCount: 0, state: { running: { startedAt: now } } })),
              },
            },
          });
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
  });
  after(async () => {
    stopKubelet = true;
    await kubelet;
    rest.close();
    await srv.stop();
    dir.remove();
  });

  it('creates, rolls out, scales and shows the tables', async () => {
    await ok(['create', 'deployment', 'web', '--image=nginx:1.0', '--replicas=3']);
    assert.match(await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']), /deployment "web" successfully rolled out/);
    const table = await ok(['get', 'deployment', 'web']);
    assert.match(table, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+3\/3\s+3\s+3\s+\S+\n$/);
    const rs = await ok(['get', 'rs', '-l', 'app=web']);
    assert.match(rs, /^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\nweb-[a-z0-9]+\s+3\s+3\s+3\s+\S+\n$/);
    assert.match(await ok(['get', 'pods', '-l', 'app=web']), /web-[a-z0-9]+-[a-z0-9]{5}\s+1\/1\s+Running/);
    await ok(['scale', 'deployment/web', '--replicas=5']);
    await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    assert.equal(await ok(['get', 'deployment', 'web', '-o', 'jsonpath={.status.availableReplicas}']), '5');
    await ok(['scale', 'deployment/web', '--replicas=2']);
    await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    const until = Date.now() + 15_000;
    while ((await ok(['get', 'pods', '-l', 'app=web', '-o', 'name'])).trim().split('\n').length !== 2) {
      if (Date.now() > until) throw new Error('scale down to 2 pods');
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  it('rolls out a new image, keeps history, and undoes to a revision', async () => {
    await ok(['set', 'image', 'deployment/web', 'nginx=nginx:2.0']);
    await ok(['annotate', 'deployment/web', 'kubernetes.io/change-cause=image 2.0']);
    assert.match(await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']), /successfully rolled out/);
    const history = await ok(['rollout', 'history', 'deployment/web']);
    assert.match(history, /^deployment\.apps\/web \nREVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+image 2\.0\n/);
    assert.match(await ok(['rollout', 'history', 'deployment/web', '--revision=1']), /Image:\s+nginx:1\.0/);
    assert.equal(await ok(['get', 'deployment', 'web', '-o', 'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}']), '2');
    assert.match(await ok(['rollout', 'undo', 'deployment/web', '--to-revision=1']), /deployment\.apps\/web rolled back/);
    await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    assert.equal(await ok(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']), 'nginx:1.0');
    assert.equal(await ok(['get', 'deployment', 'web', '-o', 'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}']), '3');
    const describe = await ok(['describe', 'deployment', 'web']);
    assert.match(describe, /^Replicas:\s+2 desired \| 2 updated \| 2 total \| 2 available \| 0 unavailable$/m);
    assert.match(describe, /^StrategyType:\s+RollingUpdate$/m);
    assert.match(describe, /^RollingUpdateStrategy:\s+25% max unavailable, 25% max surge$/m);
    assert.match(describe, /^\s+Available\s+True\s+MinimumReplicasAvailable$/m);
    assert.match(describe, /^\s+Progressing\s+True\s+NewReplicaSetAvailable$/m);
    assert.match(describe, /Normal\s+ScalingReplicaSet\s+.*deployment-controller\s+Scaled up replica set web-[a-z0-9]+ from 0 to 1/);
  });

  it('pauses and resumes, and restarts', async () => {
    await ok(['rollout', 'pause', 'deployment/web']);
    await ok(['set', 'image', 'deployment/web', 'nginx=nginx:3.0']);
    await new Promise((r) => setTimeout(r, 500));
    const conds = await ok(['get', 'deployment', 'web', '-o', 'jsonpath={.status.conditions[?(@.type=="Progressing")].reason}']);
    assert.equal(conds, 'DeploymentPaused');
    assert.equal((await ok(['get', 'rs', '-l', 'app=web', '-o', 'name'])).trim().split('\n').length, 2, 'no new ReplicaSet while paused');
    await ok(['rollout', 'resume', 'deployment/web']);
    await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    assert.equal((await ok(['get', 'rs', '-l', 'app=web', '-o', 'name'])).trim().split('\n').length, 3);
    await ok(['rollout', 'restart', 'deployment/web']);
    await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    assert.match(await ok(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.metadata.annotations}']), /kubectl\.kubernetes\.io\/restartedAt/);
  });

  it('Recreate scales the old ReplicaSet to zero before the new one comes up', async () => {
    await ok(['apply', '-f', '-'], {
      stdin: `apiVersion: apps/v1
kind: Deployment
metadata: {name: rec}
spec:
  replicas: 2
  strategy: {type: Recreate}
  selector: {matchLabels: {app: rec}}
  template:
    metadata: {labels: {app: rec}}
    spec: {containers: [{name: c, image: busybox:1}]}
`,
    });
    await ok(['rollout', 'status', 'deployment/rec', '--timeout=60s']);
    await ok(['set', 'image', 'deployment/rec', 'c=busybox:2']);
    await ok(['rollout', 'status', 'deployment/rec', '--timeout=60s']);
    const events = await ok(['get', 'events', '--field-selector', 'involvedObject.name=rec', '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}']);
    const lines = events.trim().split('\n');
    const down = lines.findIndex((l) => /^Scaled down replica set rec-\S+ from 2 to 0$/.test(l));
    const up = lines.findLastIndex((l) => /^Scaled up replica set rec-\S+ from 0 to 2$/.test(l));
    assert.ok(down >= 0 && up > down, events);
    const res = await k(['get', 'deploy', 'rec', '-o', 'jsonpath={.spec.strategy}']);
    assert.equal(res.stdout, '{"type":"Recreate"}');
  });
});
