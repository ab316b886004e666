/**
 * Real kubectl 1.32 against a `k8ts server` process, for the workload controllers:
 * StatefulSets, DaemonSets, Jobs and CronJobs. No kubelet runs here, so the test plays it:
 * it sets pod status through kubectl's status subresource.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kubectl, kubectlOk, startServerProcess, tempDir, type ServerProcess } from './helpers.js';

async function until<T>(fn: () => Promise<T | undefined | false>, what: string, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e: unknown) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

const STS = `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  replicas: 2
  serviceName: web
  selector: {matchLabels: {app: web}}
  podManagementPolicy: OrderedReady
  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 0}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: "nginx:1.25"}]
  volumeClaimTemplates:
  - metadata: {name: www}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`;

const DS = `
apiVersion: v1
kind: Node
metadata: {name: node-a, labels: {kubernetes.io/hostname: node-a}}
---
apiVersion: v1
kind: Node
metadata: {name: node-b, labels: {kubernetes.io/hostname: node-b}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 1, maxSurge: 0}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: agent, image: "agent:1"}]
`;

const JOB = `
apiVersion: batch/v1
kind: Job
metadata: {name: pi}
spec:
  completions: 2
  parallelism: 2
  manualSelector: true
  selector: {matchLabels: {job: pi}}
  template:
    metadata: {labels: {job: pi}}
    spec:
      restartPolicy: Never
      containers: [{name: pi, image: perl}]
`;

describe('workload controllers with kubectl', () => {
  let srv: ServerProcess;
  let dir: ReturnType<typeof tempDir>;
  const k = (args: string[], opts?: Parameters<typeof kubectl>[2]) => kubectl(srv.kubeconfig, args, opts);
  const ok = (args: string[], opts?: Parameters<typeof kubectl>[2]) => kubectlOk(srv.kubeconfig, args, opts);
  /** Plays the kubelet: the pod is Running (and Ready) or finished. */
  const podStatus = (name: string, phase: string, ready = phase === 'Running') => {
    const t = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const terminated = phase === 'Succeeded' || phase === 'Failed';
    const status = {
      phase,
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: t }],
      ...(terminated ? { containerStatuses: [] } : {}),
    };
    return ok(['patch', 'pod', name, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })]);
  };
  const podNames = async (selector: string) =>
    (await ok(['get', 'pods', '-l', selector, '-o', 'jsonpath={range .items[*]}{.metadata.name} {.metadata.deletionTimestamp}{"\\n"}{end}']))
      .split('\n')
      .map((l) => l.trim().split(' '))
      .filter((p) => p[0] && !p[1])
      .map((p) => p[0]!)
      .sort();
  const readyAll = async (selector: string) => {
    for (const p of await podNames(selector)) await podStatus(p, 'Running');
  };

  before(async () => {
    dir = tempDir();
    srv = await startServerProcess(['--data-dir', dir.path, '--port', '0', '--disable-agent']);
  });
  after(async () => {
    await srv.stop();
    dir.remove();
  });

  it('StatefulSet: ordered pods, get table, scale, rollout status/history/undo', async () => {
    await ok(['apply', '-f', '-'], { stdin: STS });
    await until(async () => (await podNames('app=web')).join() === 'web-0', 'web-0');
    await podStatus('web-0', 'Running');
    await until(async () => (await podNames('app=web')).join() === 'web-0,web-1', 'web-1');
    await podStatus('web-1', 'Running');
    const status = await ok(['rollout', 'status', 'statefulset/web', '--timeout=30s']);
    assert.match(status, /partitioned roll out complete: 2 new pods have been updated\.\.\./);
    assert.match(await ok(['get', 'sts']), /^NAME\s+READY\s+AGE\nweb\s+2\/2\s+\S+\n$/);
    assert.match(await ok(['get', 'pvc', 'www-web-0', 'www-web-1', '-o', 'name']), /www-web-0\n.*www-web-1/s);
    const events = await ok(['get', 'events', '--field-selector', 'involvedObject.name=web', '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}']);
    assert.match(events, /SuccessfulCreate: create Pod web-0 in StatefulSet web successful/);

    await ok(['scale', 'statefulset', 'web', '--replicas=3']);
    await until(async () => (await podNames('app=web')).includes('web-2'), 'web-2 after scale');
    await podStatus('web-2', 'Running');
    await until(async () => /web\s+3\/3/.test(await ok(['get', 'sts', 'web'])), '3/3');

    await ok(['set', 'image', 'statefulset/web', 'nginx=nginx:1.26']);
    // Roll from the highest ordinal down, each replacement made ready by the "kubelet".
    await until(async () => {
      await readyAll('app=web');
      const images = await ok(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].spec.containers[0].image}']);
      return images.split(' ').every((i) => i === 'nginx:1.26') && images.split(' ').length === 3;
    }, 'all pods at nginx:1.26', 60_000);
    await readyAll('app=web');
    await ok(['rollout', 'status', 'statefulset/web', '--timeout=30s']);
    const history = await ok(['rollout', 'history', 'statefulset/web']);
    assert.match(history, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    assert.match(await ok(['rollout', 'undo', 'statefulset/web', '--to-revision=2']), /skipped rollback \(current template already matches revision 2\)/);
    assert.match(await ok(['rollout', 'undo', 'statefulset/web']), /statefulset.apps\/web rolled back/);
    await until(async () => {
      await readyAll('app=web');
      const images = await ok(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].spec.containers[0].image}']);
      return images.split(' ').every((i) => i === 'nginx:1.25') && images.split(' ').length === 3;
    }, 'rolled back to nginx:1.25', 60_000);
    assert.match(await ok(['rollout', 'history', 'statefulset/web']), /\n2\s+<none>\n3\s+<none>/);
  });

  it('DaemonSet: a pod per node, get table, rollout status/history/undo', async () => {
    await ok(['apply', '-f', '-'], { stdin: DS });
    // Play the node lifecycle controller: the nodes are ready, drop the not-ready taint.
    await ok(['taint', 'nodes', 'node-a', 'node-b', 'node.kubernetes.io/not-ready:NoSchedule-']);
    await until(async () => (await podNames('app=agent')).length === 2, 'two daemon pods');
    await readyAll('app=agent');
    assert.match(await ok(['rollout', 'status', 'daemonset/agent', '--timeout=30s']), /daemon set "agent" successfully rolled out/);
    const table = await ok(['get', 'ds', 'agent']);
    assert.match(table, /^NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+NODE SELECTOR\s+AGE\nagent\s+2\s+2\s+2\s+2\s+2\s+<none>\s+\S+\n$/);
    const affinity = await ok(['get', 'pods', '-l', 'app=agent', '-o', 'jsonpath={.items[*].spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].values[0]}']);
    assert.deepEqual(affinity.split(' ').sort(), ['node-a', 'node-b']);

    await ok(['set', 'image', 'daemonset/agent', 'agent=agent:2']);
    await until(async () => {
      await readyAll('app=agent');
      const images = await ok(['get', 'pods', '-l', 'app=agent', '-o', 'jsonpath={.items[*].spec.containers[0].image}']);
      return images.split(' ').length === 2 && images.split(' ').every((i) => i === 'agent:2');
    }, 'daemon pods updated', 60_000);
    await readyAll('app=agent');
    assert.match(await ok(['rollout', 'status', 'daemonset/agent', '--timeout=30s']), /successfully rolled out/);
    assert.match(await ok(['rollout', 'history', 'daemonset/agent']), /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    assert.match(await ok(['rollout', 'undo', 'daemonset/agent', '--to-revision=2']), /skipped rollback/);
    assert.match(await ok(['rollout', 'undo', 'daemonset/agent']), /daemonset.apps\/agent rolled back/);
    await until(async () => {
      await readyAll('app=agent');
      const images = await ok(['get', 'pods', '-l', 'app=agent', '-o', 'jsonpath={.items[*].spec.containers[0].image}']);
      return images.split(' ').length === 2 && images.split(' ').every((i) => i === 'agent:1');
    }, 'daemon pods rolled back', 60_000);
  });

  it('Job from a manifest: pods with the tracking finalizer, kubectl wait, get table', async () => {
    await ok(['apply', '-f', '-'], { stdin: JOB });
    const pods = await until(async () => {
      const p = await podNames('job=pi');
      return p.length === 2 ? p : undefined;
    }, 'two job pods');
    const fin = await ok(['get', 'pod', pods[0]!, '-o', 'jsonpath={.metadata.finalizers}']);
    assert.match(fin, /batch\.kubernetes\.io\/job-tracking/);
    for (const p of pods) await podStatus(p, 'Succeeded');
    await ok(['wait', '--for=condition=complete', 'job/pi', '--timeout=30s']);
    assert.match(await ok(['get', 'jobs', 'pi']), /^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE\npi\s+Complete\s+2\/2\s+\S+\s+\S+\n$/);
    const conds = await ok(['get', 'job', 'pi', '-o', 'jsonpath={range .status.conditions[*]}{.type}/{.reason} {end}']);
    assert.equal(conds.trim(), 'SuccessCriteriaMet/CompletionsReached Complete/CompletionsReached');
  });

  it('kubectl create job runs and completes (the apiserver generates the Job selector)', async () => {
    const dry = JSON.parse(await ok(['create', 'job', 'probe', '--image=busybox', '--dry-run=server', '-o', 'json']));
    assert.deepEqual(Object.keys(dry.spec.selector.matchLabels), ['batch.kubernetes.io/controller-uid']);
    assert.equal(dry.spec.template.metadata.labels['batch.kubernetes.io/job-name'], 'probe');
    await ok(['create', 'job', 'once', '--image=busybox', '--', 'echo', 'hi']);
    const [pod] = await until(async () => {
      const p = await podNames('batch.kubernetes.io/job-name=once');
      return p.length === 1 ? p : undefined;
    }, 'pod of once');
    await podStatus(pod!, 'Succeeded');
    await ok(['wait', '--for=condition=complete', 'job/once', '--timeout=30s']);
  });

  it('CronJob: kubectl create cronjob, create job --from, a scheduled Job per minute, get table', async () => {
    await ok(['create', 'cronjob', 'tick', '--image=busybox', '--schedule=*/1 * * * *', '--', 'date']);
    await ok(['create', 'job', 'tick-manual', '--from=cronjob/tick']);
    const manual = JSON.parse(await ok(['get', 'job', 'tick-manual', '-o', 'json']));
    assert.equal(manual.metadata.annotations['cronjob.kubernetes.io/instantiate'], 'manual');
    assert.equal(manual.metadata.ownerReferences[0].kind, 'CronJob');
    // The first activation comes at the next full minute.
    const scheduled = await until(async () => {
      const jobs = JSON.parse(await ok(['get', 'jobs', '-o', 'json'])).items as { metadata: { name: string; annotations?: Record<string, string> } }[];
      return jobs.find((j) => /^tick-\d+$/.test(j.metadata.name));
    }, 'a scheduled job', 75_000);
    const ts = scheduled.metadata.annotations!['batch.kubernetes.io/cronjob-scheduled-timestamp']!;
    assert.match(ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);
    assert.equal(scheduled.metadata.name, `tick-${Date.parse(ts) / 60_000}`);
    const table = await until(async () => {
      const out = await ok(['get', 'cronjobs', 'tick']);
      return /tick\s+\*\/1 \* \* \* \*\s+<none>\s+False\s+1\s+\S+\s+\S+/.test(out) ? out : undefined;
    }, 'cronjob table with one active job and a last schedule');
    assert.match(table, /^NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE\n/);
    const events = await ok(['get', 'events', '--field-selector', 'involvedObject.name=tick', '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}']);
    assert.match(events, new RegExp(`SuccessfulCreate: Created job ${scheduled.metadata.name}`));
    assert.match((await k(['get', 'sts,ds,jobs,cronjobs'])).stdout, /statefulset\.apps\/web[\s\S]*daemonset\.apps\/agent[\s\S]*job\.batch\/pi[\s\S]*cronjob\.batch\/tick/);
  });
});
