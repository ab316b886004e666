/**
 * Deployments through real kubectl 1.32 against `k8ts server` (deployment, replicaset and
 * replicationcontroller controllers), with a stand-in kubelet in the test that reports every
 * new pod Running and Ready (no node runs them here), except pods whose image is
 * "never:ready". Covers create, scale, set image, rollout status/history/undo/pause/resume/
 * restart, the get tables, describe, Recreate, and the progress deadline.
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

const HASH = '[bcdfghjklmnpqrstvwxz2456789]{1,10}';

describe('kubectl rollout with the deployment and replicaset controllers', () => {
  let srv: ServerProcess;
  let dir: ReturnType<typeof tempDir>;
  let kc: string;
  let rest: RestClient;
  let stopKubelet = false;
  let kubelet: Promise<void>;
  const ok = (args: string[], opts?: Parameters<typeof kubectl>[2]) => kubectlOk(kc, args, opts);
  /**
   * kubectl commands that PATCH the Deployment. k8ts' apiserver does not yet retry a PATCH
   * without resourceVersion after a storage conflict (upstream does), so a controller write
   * racing with it can give a 409; retry those here so this file tests the controllers.
   */
  const write = async (args: string[]): Promise<string> => {
    for (let i = 0; ; i++) {
      const r = await kubectl(kc, args);
      if (r.code === 0) return r.stdout;
      if (i < 5 && /the object has been modified/.test(r.stderr)) continue;
      throw new Error(`kubectl ${args.join(' ')} exited ${r.code}:\n${r.stderr}${r.stdout}`);
    }
  };
  const k = (args: string[]) => kubectl(kc, args);
  const jsonpath = (kind: string, name: string, path: string) => ok(['get', kind, name, '-o', `jsonpath=${path}`]);
  const rsNames = async (app: string) => (await ok(['get', 'rs', '-l', `app=${app}`, '-o', 'name'])).trim().split('\n').filter(Boolean);
  const rsByRevision = async (app: string, revision: number) =>
    (await ok(['get', 'rs', '-l', `app=${app}`, '-o', `jsonpath={range .items[?(@.metadata.annotations.deployment\\.kubernetes\\.io/revision=="${revision}")]}{.metadata.name}{end}`])).trim();

  before(async () => {
    dir = tempDir();
    srv = await startServerProcess(['--data-dir', dir.path, '--port', '0', '--disable-agent']);
    kc = srv.kubeconfig;
    rest = new RestClient(loadKubeconfig(kc));
    // The stand-in kubelet: every pending pod becomes Running and Ready (unless its image says never).
    kubelet = (async () => {
      while (!stopKubelet) {
        try {
          const pods = (await rest.request({ path: '/api/v1/pods' })).json<{ items: Pod[] }>().items;
          for (const p of pods.filter((x) => (x.status?.phase ?? 'Pending') === 'Pending' && !x.spec.containers.some((c) => c.image === 'never:ready'))) {
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
        } catch {
          // the pod went away meanwhile
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

  it('create deployment, rollout status, get deploy,rs tables, scale up and down', async () => {
    assert.match(await ok(['create', 'deployment', 'web', '--image=nginx:1.0', '--replicas=3']), /^deployment\.apps\/web created\n$/);
    const status = await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    assert.match(status, /deployment "web" successfully rolled out\n$/);
    const rs1 = await rsByRevision('web', 1);
    assert.match(rs1, new RegExp(`^web-${HASH}$`));
    const tables = await ok(['get', 'deploy,rs', '-l', 'app=web']);
    assert.match(
      tables,
      new RegExp(`^NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE\\ndeployment\\.apps/web\\s+3/3\\s+3\\s+3\\s+\\S+\\n\\nNAME\\s+DESIRED\\s+CURRENT\\s+READY\\s+AGE\\nreplicaset\\.apps/${rs1}\\s+3\\s+3\\s+3\\s+\\S+\\n$`),
    );
    assert.match(await ok(['get', 'pods', '-l', 'app=web']), new RegExp(`${rs1}-[a-z0-9]{5}\\s+1/1\\s+Running`));

    assert.match(await write(['scale', 'deployment/web', '--replicas=5']), /^deployment\.apps\/web scaled\n$/);
    await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    assert.equal(await jsonpath('deployment', 'web', '{.status.availableReplicas}'), '5');
    assert.equal(await jsonpath('rs', rs1, '{.metadata.annotations.deployment\\.kubernetes\\.io/desired-replicas}'), '5');
    await write(['scale', 'deployment/web', '--replicas=2']);
    await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    const until = Date.now() + 15_000;
    while ((await ok(['get', 'pods', '-l', 'app=web', '-o', 'name'])).trim().split('\n').length !== 2) {
      if (Date.now() > until) throw new Error('scale down to 2 pods');
      await new Promise((r) => setTimeout(r, 100));
    }
    const events = await ok(['get', 'events', '--field-selector', 'involvedObject.name=web', '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}']);
    assert.ok(events.includes(`ScalingReplicaSet: Scaled up replica set ${rs1} from 0 to 3\n`), events);
    assert.ok(events.includes(`ScalingReplicaSet: Scaled up replica set ${rs1} from 3 to 5\n`), events);
    assert.ok(events.includes(`ScalingReplicaSet: Scaled down replica set ${rs1} from 5 to 2\n`), events);
    const rsEvents = await ok(['get', 'events', '--field-selector', `involvedObject.name=${rs1}`, '-o', 'jsonpath={range .items[*]}{.source.component} {.reason}: {.message}{"\\n"}{end}']);
    assert.match(rsEvents, new RegExp(`^replicaset-controller SuccessfulCreate: Created pod: ${rs1}-[a-z0-9]{5}$`, 'm'));
    assert.match(rsEvents, new RegExp(`^replicaset-controller SuccessfulDelete: Deleted pod: ${rs1}-[a-z0-9]{5}$`, 'm'));
  });

  it('set image rolls out revision 2; rollout history lists and shows revisions', async () => {
    assert.match(await write(['set', 'image', 'deployment/web', 'nginx=nginx:2.0']), /^deployment\.apps\/web image updated\n$/);
    assert.match(await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']), /successfully rolled out/);
    assert.equal(await jsonpath('deployment', 'web', '{.metadata.annotations.deployment\\.kubernetes\\.io/revision}'), '2');
    const rs1 = await rsByRevision('web', 1);
    const rs2 = await rsByRevision('web', 2);
    assert.notEqual(rs1, rs2);
    assert.equal(await jsonpath('rs', rs1, '{.spec.replicas}'), '0');
    // The Deployment's annotations are copied to its new ReplicaSet (kubectl reads CHANGE-CAUSE there).
    await write(['annotate', 'deployment/web', 'kubernetes.io/change-cause=image 2.0']);
    const deadline = Date.now() + 15_000;
    while ((await jsonpath('rs', rs2, '{.metadata.annotations.kubernetes\\.io/change-cause}')) !== 'image 2.0') {
      if (Date.now() > deadline) throw new Error('change-cause copied to the new ReplicaSet');
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(await jsonpath('rs', rs1, '{.metadata.annotations.kubernetes\\.io/change-cause}'), '', 'old ReplicaSets keep theirs');
    assert.match(await ok(['rollout', 'history', 'deployment/web']), /^deployment\.apps\/web \nREVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+image 2\.0\n\n$/);
    const rev1 = await ok(['rollout', 'history', 'deployment/web', '--revision=1']);
    assert.match(rev1, /^deployment\.apps\/web with revision #1\nPod Template:\n/);
    assert.match(rev1, new RegExp(`pod-template-hash=${rs1.slice('web-'.length)}`));
    assert.match(rev1, /Image:\s+nginx:1\.0/);
    const rev2 = await ok(['rollout', 'history', 'deployment/web', '--revision=2']);
    assert.match(rev2, /Image:\s+nginx:2\.0/);
    assert.match(rev2, /kubernetes\.io\/change-cause: image 2\.0/);
    const bad = await k(['rollout', 'history', 'deployment/web', '--revision=7']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /unable to find the specified revision/);
  });

  it('describe deployment shows replicas, strategy, conditions, old and new ReplicaSets and events', async () => {
    const rs1 = await rsByRevision('web', 1);
    const rs2 = await rsByRevision('web', 2);
    const d = await ok(['describe', 'deployment', 'web']);
    assert.match(d, /^Annotations:\s+deployment\.kubernetes\.io\/revision: 2$/m);
    assert.match(d, /^Replicas:\s+2 desired \| 2 updated \| 2 total \| 2 available \| 0 unavailable$/m);
    assert.match(d, /^StrategyType:\s+RollingUpdate$/m);
    assert.match(d, /^MinReadySeconds:\s+0$/m);
    assert.match(d, /^RollingUpdateStrategy:\s+25% max unavailable, 25% max surge$/m);
    assert.match(d, /^Conditions:\n\s+Type\s+Status\s+Reason\n\s+----\s+------\s+------\n\s+Available\s+True\s+MinimumReplicasAvailable\n\s+Progressing\s+True\s+NewReplicaSetAvailable\n/m);
    assert.match(d, new RegExp(`^OldReplicaSets:\\s+${rs1} \\(0/0 replicas created\\)$`, 'm'));
    assert.match(d, new RegExp(`^NewReplicaSet:\\s+${rs2} \\(2/2 replicas created\\)$`, 'm'));
    assert.match(d, /^Events:\n\s+Type\s+Reason\s+Age\s+From\s+Message\n/m);
    assert.match(d, new RegExp(`Normal\\s+ScalingReplicaSet\\s+\\S+\\s+deployment-controller\\s+Scaled up replica set ${rs2} from 0 to 1`));
    assert.match(d, new RegExp(`Normal\\s+ScalingReplicaSet\\s+\\S+\\s+deployment-controller\\s+Scaled down replica set ${rs1} from 2 to 1`));
  });

  it('rollout undo goes back one revision, --to-revision to a chosen one, and refuses unknown revisions', async () => {
    const rs1 = await rsByRevision('web', 1);
    assert.match(await write(['rollout', 'undo', 'deployment/web']), /^deployment\.apps\/web rolled back\n$/);
    await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    assert.equal(await jsonpath('deployment', 'web', '{.spec.template.spec.containers[0].image}'), 'nginx:1.0');
    assert.equal(await jsonpath('deployment', 'web', '{.metadata.annotations.deployment\\.kubernetes\\.io/revision}'), '3');
    // The first ReplicaSet came back as revision 3 and remembers it was revision 1.
    assert.equal(await rsByRevision('web', 3), rs1);
    assert.equal(await jsonpath('rs', rs1, '{.metadata.annotations.deployment\\.kubernetes\\.io/revision-history}'), '1');
    assert.equal((await rsNames('web')).length, 2, 'no third ReplicaSet: the old one was reused');
    assert.match(await ok(['rollout', 'history', 'deployment/web']), /^deployment\.apps\/web \nREVISION\s+CHANGE-CAUSE\n2\s+image 2\.0\n3\s+<none>\n\n$/);

    assert.match(await write(['rollout', 'undo', 'deployment/web', '--to-revision=2']), /rolled back/);
    await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    assert.equal(await jsonpath('deployment', 'web', '{.spec.template.spec.containers[0].image}'), 'nginx:2.0');
    assert.equal(await jsonpath('deployment', 'web', '{.metadata.annotations.deployment\\.kubernetes\\.io/revision}'), '4');
    assert.equal(await jsonpath('deployment', 'web', '{.metadata.annotations.kubernetes\\.io/change-cause}'), 'image 2.0', 'undo brings the annotations back');

    const missing = await k(['rollout', 'undo', 'deployment/web', '--to-revision=9']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /unable to find specified revision 9 in history/);
    const same = await write(['rollout', 'undo', 'deployment/web', '--to-revision=4']);
    assert.match(same, /skipped rollback \(current template already matches revision 4\)/);
  });

  it('pause keeps a template change from rolling out (and undo refuses); resume rolls it out; restart makes a new ReplicaSet', async () => {
    assert.match(await write(['rollout', 'pause', 'deployment/web']), /^deployment\.apps\/web paused\n$/);
    await write(['set', 'image', 'deployment/web', 'nginx=nginx:3.0']);
    const deadline = Date.now() + 15_000;
    while ((await jsonpath('deployment', 'web', '{.status.conditions[?(@.type=="Progressing")].reason}')) !== 'DeploymentPaused') {
      if (Date.now() > deadline) throw new Error('DeploymentPaused');
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(await jsonpath('deployment', 'web', '{.status.conditions[?(@.type=="Progressing")].status}'), 'Unknown');
    // Scaling still works while paused.
    await write(['scale', 'deployment/web', '--replicas=3']);
    while ((await jsonpath('deployment', 'web', '{.status.availableReplicas}')) !== '3') {
      if (Date.now() > deadline) throw new Error('scaled to 3 while paused');
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal((await rsNames('web')).length, 2, 'no new ReplicaSet while paused');
    const undo = await k(['rollout', 'undo', 'deployment/web']);
    assert.notEqual(undo.code, 0);
    assert.match(undo.stderr, /you cannot rollback a paused deployment; resume it first/);
    assert.match(await write(['rollout', 'resume', 'deployment/web']), /^deployment\.apps\/web resumed\n$/);
    await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    assert.equal((await rsNames('web')).length, 3);
    assert.equal(await jsonpath('deployment', 'web', '{.status.updatedReplicas}'), '3');

    assert.match(await write(['rollout', 'restart', 'deployment/web']), /^deployment\.apps\/web restarted\n$/);
    await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    assert.match(await jsonpath('deployment', 'web', '{.spec.template.metadata.annotations}'), /kubectl\.kubernetes\.io\/restartedAt/);
    assert.equal((await rsNames('web')).length, 4);
    assert.equal(await jsonpath('deployment', 'web', '{.metadata.annotations.deployment\\.kubernetes\\.io/revision}'), '6');
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
    await write(['set', 'image', 'deployment/rec', 'c=busybox:2']);
    await ok(['rollout', 'status', 'deployment/rec', '--timeout=60s']);
    const events = await ok(['get', 'events', '--field-selector', 'involvedObject.name=rec', '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}']);
    const lines = events.trim().split('\n');
    const down = lines.findIndex((l) => /^Scaled down replica set rec-\S+ from 2 to 0$/.test(l));
    const up = lines.findLastIndex((l) => /^Scaled up replica set rec-\S+ from 0 to 2$/.test(l));
    assert.ok(down >= 0 && up > down, events);
    const d = await ok(['describe', 'deployment', 'rec']);
    assert.match(d, /^StrategyType:\s+Recreate$/m);
    assert.doesNotMatch(d, /RollingUpdateStrategy/);
  });

  it('rollout status fails once the progress deadline is exceeded', async () => {
    await ok(['create', 'deployment', 'stuck', '--image=never:ready']);
    await write(['patch', 'deployment', 'stuck', '-p', '{"spec":{"progressDeadlineSeconds":2}}']);
    const r = await kubectl(kc, ['rollout', 'status', 'deployment/stuck', '--timeout=60s']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /deployment "stuck" exceeded its progress deadline/);
    assert.match(await jsonpath('deployment', 'stuck', '{.status.conditions[?(@.type=="Progressing")].message}'), new RegExp(`^ReplicaSet "stuck-${HASH}" has timed out progressing\\.$`));
  });
});
