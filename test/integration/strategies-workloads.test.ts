/**
 * Pods, pod templates and workload types over HTTPS: what a created object reads back as
 * (compared with what kube-apiserver 1.32 stores for the same input), the corpus manifests
 * of these kinds, and 422 responses with upstream's exact messages.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

type Obj = Record<string, any>;

const CORPUS = '/work/shared/corpus';
const NS = 'wl';
const api = (group: string, resource: string, ns = NS) => (group === 'v1' ? `/api/v1/namespaces/${ns}/${resource}` : `/apis/${group}/namespaces/${ns}/${resource}`);

const RESOURCES: Record<string, { group: string; resource: string }> = {
  Pod: { group: 'v1', resource: 'pods' },
  PodTemplate: { group: 'v1', resource: 'podtemplates' },
  ReplicationController: { group: 'v1', resource: 'replicationcontrollers' },
  Deployment: { group: 'apps/v1', resource: 'deployments' },
  ReplicaSet: { group: 'apps/v1', resource: 'replicasets' },
  StatefulSet: { group: 'apps/v1', resource: 'statefulsets' },
  DaemonSet: { group: 'apps/v1', resource: 'daemonsets' },
  ControllerRevision: { group: 'apps/v1', resource: 'controllerrevisions' },
  Job: { group: 'batch/v1', resource: 'jobs' },
  CronJob: { group: 'batch/v1', resource: 'cronjobs' },
};

/** YAML as kubectl reads it (YAML 1.1: `0755` is octal). */
function loadYaml(file: string): Obj[] {
  return parseAllDocuments(readFileSync(file, 'utf8'), { version: '1.1' })
    .map((d) => d.toJS() as Obj)
    .filter((d) => d && typeof d === 'object');
}

/** The container fields every container gets in a template (upstream's defaults). */
const containerDefaults = { terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' };
const podSpecDefaults = { dnsPolicy: 'ClusterFirst', restartPolicy: 'Always', schedulerName: 'default-scheduler', securityContext: {}, terminationGracePeriodSeconds: 30 };

describe('strategies: pods and workloads', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
    assert.equal((await c.req('POST', '/api/v1/namespaces', { metadata: { name: NS } })).status, 201);
  });
  after(async () => {
    await c.stop();
  });

  async function create(kind: string, body: Obj, ns = NS): Promise<Obj> {
    const { group, resource } = RESOURCES[kind]!;
    const r = await c.req('POST', api(group, resource, ns), body);
    assert.equal(r.status, 201, `${kind} ${body.metadata?.name}: ${JSON.stringify(r.json())}`);
    const got = await c.req('GET', `${api(group, resource, ns)}/${r.json<Obj>().metadata.name}`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.json(), r.json(), 'the stored object reads back as the create response');
    return got.json<Obj>();
  }

  async function rejected(kind: string, body: Obj, message: string, method = 'POST', name = ''): Promise<Obj> {
    const { group, resource } = RESOURCES[kind]!;
    const r = await c.req(method, name ? `${api(group, resource)}/${name}${method === 'PUT' && name.endsWith('/status') ? '' : ''}` : api(group, resource), body);
    assert.equal(r.status, 422, JSON.stringify(r.json()));
    const s = r.json<Obj>();
    assert.equal(s.reason, 'Invalid');
    assert.equal(s.message, message);
    return s;
  }

  describe('stored objects equal what kube-apiserver 1.32 stores', () => {
    it('Deployment (guestbook frontend)', async () => {
      const [d] = loadYaml(`${CORPUS}/kubernetes-examples/web/guestbook/frontend-deployment.yaml`);
      const o = await create('Deployment', d!);
      assert.equal(o.metadata.generation, 1);
      assert.deepEqual(o.status, {});
      assert.deepEqual(o.spec, {
        progressDeadlineSeconds: 600,
        replicas: 3,
        revisionHistoryLimit: 10,
        selector: { matchLabels: { app: 'guestbook', tier: 'frontend' } },
        strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
        template: {
          metadata: { creationTimestamp: null, labels: { app: 'guestbook', tier: 'frontend' } },
          spec: {
            ...podSpecDefaults,
            containers: [
              {
                ...containerDefaults,
                env: [{ name: 'GET_HOSTS_FROM', value: 'dns' }],
                image: 'gcr.io/google-samples/gb-frontend:v5',
                imagePullPolicy: 'IfNotPresent',
                name: 'php-redis',
                ports: [{ containerPort: 80, protocol: 'TCP' }],
                resources: { requests: { cpu: '100m', memory: '100Mi' } },
              },
            ],
          },
        },
      });
    });

    it('StatefulSet (podinfo database-primary)', async () => {
      const [s] = loadYaml(`${CORPUS}/podinfo/deploy/bases/database/statefulset-primary.yaml`);
      const o = await create('StatefulSet', s!);
      assert.deepEqual(o.status, { availableReplicas: 0, replicas: 0 });
      const probe = (path: string) => ({
        exec: { command: ['podcli', 'check', 'http', `localhost:3306/${path}`] },
        failureThreshold: 3,
        initialDelaySeconds: 5,
        periodSeconds: 10,
        successThreshold: 1,
        timeoutSeconds: 5,
      });
      assert.deepEqual(o.spec, {
        minReadySeconds: 3,
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        podManagementPolicy: 'OrderedReady',
        replicas: 1,
        revisionHistoryLimit: 5,
        selector: { matchLabels: { 'app.kubernetes.io/name': 'database-primary' } },
        serviceName: 'database-primary',
        template: {
          metadata: {
            annotations: { 'prometheus.io/port': '9797', 'prometheus.io/scrape': 'true' },
            creationTimestamp: null,
            labels: { 'app.kubernetes.io/name': 'database-primary', 'app.kubernetes.io/part-of': 'database' },
          },
          spec: {
            ...podSpecDefaults,
            serviceAccount: 'database',
            serviceAccountName: 'database',
            containers: [
              {
                ...containerDefaults,
                command: ['./podinfo', '--port=3306', '--port-metrics=9797', '--level=info'],
                image: 'ghcr.io/stefanprodan/podinfo:6.14.1',
                imagePullPolicy: 'IfNotPresent',
                livenessProbe: probe('healthz'),
                name: 'database',
                ports: [
                  { containerPort: 3306, name: 'db', protocol: 'TCP' },
                  { containerPort: 9797, name: 'http-metrics', protocol: 'TCP' },
                ],
                readinessProbe: probe('readyz'),
                resources: { limits: { cpu: '2', memory: '512Mi' }, requests: { cpu: '100m', memory: '32Mi' } },
                volumeMounts: [{ mountPath: '/data', name: 'data' }],
              },
            ],
            volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'database-primary' } }],
          },
        },
        updateStrategy: { rollingUpdate: { partition: 0 }, type: 'RollingUpdate' },
      });
    });

    it('StatefulSet volume claim templates (cassandra)', async () => {
      const [s] = loadYaml(`${CORPUS}/kubernetes-examples/databases/cassandra/cassandra-statefulset.yaml`);
      const o = await create('StatefulSet', s!);
      assert.deepEqual(o.spec.volumeClaimTemplates, [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { annotations: { 'volume.beta.kubernetes.io/storage-class': 'fast' }, creationTimestamp: null, name: 'cassandra-data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' },
          status: { phase: 'Pending' },
        },
      ]);
    });

    it('CronJob (podinfo backup-daily: the job template gets pod template defaults only)', async () => {
      const [cj] = loadYaml(`${CORPUS}/podinfo/deploy/bases/database/cronjob-backup-daily.yaml`);
      const o = await create('CronJob', cj!);
      assert.deepEqual(o.status, {});
      assert.deepEqual(o.spec, {
        concurrencyPolicy: 'Forbid',
        failedJobsHistoryLimit: 1,
        jobTemplate: {
          metadata: { creationTimestamp: null },
          spec: {
            backoffLimit: 1,
            template: {
              metadata: { creationTimestamp: null, labels: { 'app.kubernetes.io/name': 'backup-daily', 'app.kubernetes.io/part-of': 'database' } },
              spec: {
                ...podSpecDefaults,
                restartPolicy: 'Never',
                serviceAccount: 'database',
                serviceAccountName: 'database',
                containers: [
                  {
                    ...containerDefaults,
                    command: ['/bin/sh', '/scripts/backup.sh'],
                    env: [{ name: 'BACKUP_EXIT', value: '1' }],
                    image: 'ghcr.io/stefanprodan/podinfo:6.14.1',
                    imagePullPolicy: 'IfNotPresent',
                    name: 'backup',
                    resources: { limits: { cpu: '100m', memory: '32Mi' }, requests: { cpu: '10m', memory: '16Mi' } },
                    volumeMounts: [{ mountPath: '/scripts', name: 'scripts' }],
                  },
                ],
                volumes: [{ configMap: { defaultMode: 493, name: 'backup-script' }, name: 'scripts' }],
              },
            },
            ttlSecondsAfterFinished: 86400,
          },
        },
        schedule: '0 0 * * *',
        successfulJobsHistoryLimit: 1,
        suspend: false,
      });
    });

    it('ReplicationController (guestbook legacy redis-master): selector from template labels', async () => {
      const [rc] = loadYaml(`${CORPUS}/kubernetes-examples/web/guestbook/legacy/redis-master-controller.yaml`);
      const o = await create('ReplicationController', rc!);
      assert.deepEqual(o.status, { replicas: 0 });
      assert.equal(o.metadata.generation, 1);
      assert.deepEqual(o.spec, {
        replicas: 1,
        selector: { app: 'redis', role: 'master', tier: 'backend' },
        template: {
          metadata: { creationTimestamp: null, labels: { app: 'redis', role: 'master', tier: 'backend' } },
          spec: {
            ...podSpecDefaults,
            containers: [
              {
                ...containerDefaults,
                image: 'registry.k8s.io/redis:e2e',
                imagePullPolicy: 'IfNotPresent',
                name: 'master',
                ports: [{ containerPort: 6379, protocol: 'TCP' }],
                resources: { requests: { cpu: '100m', memory: '100Mi' } },
              },
            ],
          },
        },
      });
    });

    it('Job: defaults, generated selector and labels', async () => {
      const o = await create('Job', {
        metadata: { name: 'pi' },
        spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:5.34.0', command: ['perl', '-Mbignum=bpi', '-wle', 'print bpi(20)'] }] } } },
      });
      const uid = o.metadata.uid;
      const generated = { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': uid, 'job-name': 'pi' };
      assert.deepEqual(o.metadata.labels, generated);
      assert.deepEqual(o.status, {});
      assert.deepEqual(o.spec, {
        backoffLimit: 6,
        completionMode: 'NonIndexed',
        completions: 1,
        parallelism: 1,
        podReplacementPolicy: 'TerminatingOrFailed',
        selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } },
        suspend: false,
        template: {
          metadata: { creationTimestamp: null, labels: generated },
          spec: {
            ...podSpecDefaults,
            restartPolicy: 'Never',
            containers: [
              {
                ...containerDefaults,
                command: ['perl', '-Mbignum=bpi', '-wle', 'print bpi(20)'],
                image: 'perl:5.34.0',
                imagePullPolicy: 'IfNotPresent',
                name: 'pi',
                resources: {},
              },
            ],
          },
        },
      } as Obj);
    });

    it('Job with a pod failure policy: replacement policy Failed, condition status True', async () => {
      const o = await create('Job', {
        metadata: { name: 'pfp', labels: { own: 'label' } },
        spec: {
          completions: 3,
          podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] },
          template: { metadata: { labels: { app: 'pfp' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1.36' }] } },
        },
      });
      assert.deepEqual(o.metadata.labels, { own: 'label' });
      assert.equal(o.spec.parallelism, 1);
      assert.equal(o.spec.completions, 3);
      assert.equal(o.spec.podReplacementPolicy, 'Failed');
      assert.deepEqual(o.spec.podFailurePolicy.rules[0].onPodConditions, [{ status: 'True', type: 'DisruptionTarget' }]);
      assert.equal(o.spec.template.metadata.labels.app, 'pfp');
    });

    it('DaemonSet: update strategy defaults and the template generation annotation', async () => {
      const o = await create('DaemonSet', {
        metadata: { name: 'agent' },
        spec: {
          selector: { matchLabels: { name: 'agent' } },
          template: { metadata: { labels: { name: 'agent' } }, spec: { containers: [{ name: 'a', image: 'busybox' }] } },
        },
      });
      assert.deepEqual(o.metadata.annotations, { 'deprecated.daemonset.template.generation': '1' });
      assert.deepEqual(o.status, { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 });
      assert.equal(o.spec.revisionHistoryLimit, 10);
      assert.deepEqual(o.spec.updateStrategy, { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 }, type: 'RollingUpdate' });
      assert.equal(o.spec.template.spec.containers[0].imagePullPolicy, 'Always');
      // a template change bumps both generations, a no-op update neither
      const upd = structuredClone(o);
      upd.spec.template.spec.containers[0].image = 'busybox:1.36';
      const r = (await c.req('PUT', `${api('apps/v1', 'daemonsets')}/agent`, upd)).json<Obj>();
      assert.equal(r.metadata.annotations['deprecated.daemonset.template.generation'], '2');
      assert.equal(r.metadata.generation, 2);
      const same = (await c.req('PUT', `${api('apps/v1', 'daemonsets')}/agent`, r)).json<Obj>();
      assert.equal(same.metadata.resourceVersion, r.metadata.resourceVersion);
    });

    it('ReplicaSet, PodTemplate and ControllerRevision', async () => {
      const tpl = { metadata: { labels: { app: 'rs' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] } };
      const rs = await create('ReplicaSet', { metadata: { name: 'rs' }, spec: { selector: { matchLabels: { app: 'rs' } }, template: tpl } });
      assert.equal(rs.spec.replicas, 1);
      assert.deepEqual(rs.status, { replicas: 0 });
      assert.deepEqual(rs.spec.template.spec, {
        ...podSpecDefaults,
        containers: [{ ...containerDefaults, image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent', name: 'c', ports: [{ containerPort: 80, protocol: 'TCP' }], resources: {} }],
      });
      const pt = await create('PodTemplate', { metadata: { name: 'pt' }, template: tpl });
      assert.equal(pt.metadata.generation, 1);
      assert.deepEqual(pt.template.metadata, { creationTimestamp: null, labels: { app: 'rs' } });
      assert.equal(pt.template.spec.containers[0].imagePullPolicy, 'IfNotPresent');
      const cr = await create('ControllerRevision', { metadata: { name: 'cr' }, data: { spec: {} } });
      assert.equal(cr.revision, 0);
    });

    it('Pod: defaults, requests from limits, enableServiceLinks, status Pending with the QoS class', async () => {
      const o = await create('Pod', {
        metadata: { name: 'web' },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'nginx',
              ports: [{ containerPort: 80, name: 'http' }],
              resources: { limits: { cpu: '500m', memory: '128Mi' } },
              livenessProbe: { httpGet: { port: 'http' } },
              env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
            },
          ],
          volumes: [{ name: 'cache' }, { name: 'cfg', configMap: { name: 'cfg' } }, { name: 'host', hostPath: { path: '/tmp' } }],
        },
      });
      assert.deepEqual(o.status, { phase: 'Pending', qosClass: 'Guaranteed' });
      const spec = o.spec;
      assert.equal(spec.enableServiceLinks, true);
      for (const [k, v] of Object.entries(podSpecDefaults)) assert.deepEqual(spec[k], v, k);
      const ctr = spec.containers[0];
      assert.equal(ctr.imagePullPolicy, 'Always');
      assert.deepEqual(ctr.resources, { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '500m', memory: '128Mi' } });
      assert.deepEqual(ctr.livenessProbe, {
        failureThreshold: 3,
        httpGet: { path: '/', port: 'http', scheme: 'HTTP' },
        periodSeconds: 10,
        successThreshold: 1,
        timeoutSeconds: 1,
      });
      assert.deepEqual(ctr.env, [{ name: 'NODE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } }]);
      assert.deepEqual(spec.volumes.slice(0, 3), [
        { emptyDir: {}, name: 'cache' },
        { configMap: { defaultMode: 420, name: 'cfg' }, name: 'cfg' },
        { hostPath: { path: '/tmp', type: '' }, name: 'host' },
      ]);
      const be = await create('Pod', { metadata: { name: 'be' }, spec: { containers: [{ name: 'c', image: 'busybox@sha256:' + 'a'.repeat(64) }] } });
      assert.equal(be.status.qosClass, 'BestEffort');
      assert.equal(be.spec.containers[0].imagePullPolicy, 'IfNotPresent');
      const bu = await create('Pod', { metadata: { name: 'bu' }, spec: { containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '0.1' } } }] } });
      assert.equal(bu.status.qosClass, 'Burstable');
      assert.equal(bu.spec.containers[0].resources.requests.cpu, '100m');
    });

    it('Pod with scheduling gates gets the SchedulingGated condition', async () => {
      const o = await create('Pod', { metadata: { name: 'gated' }, spec: { schedulingGates: [{ name: 'example.com/gate' }], containers: [{ name: 'c', image: 'busybox' }] } });
      assert.deepEqual(o.status.conditions, [
        { lastProbeTime: null, lastTransitionTime: null, message: 'Scheduling is blocked due to non-empty scheduling gates', reason: 'SchedulingGated', status: 'False', type: 'PodScheduled' },
      ]);
    });
  });

  describe('422 responses with upstream messages', () => {
    it('Deployment: negative replicas, labels not matching the selector, missing image', async () => {
      await rejected(
        'Deployment',
        { metadata: { name: 'bad' }, spec: { replicas: -1, selector: { matchLabels: { app: 'y' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c' }] } } } },
        'Deployment.apps "bad" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`, spec.template.spec.containers[0].image: Required value]',
      );
    });

    it('Deployment: no selector, empty selector, bad strategy numbers', async () => {
      await rejected(
        'Deployment',
        { metadata: { name: 'nosel' }, spec: { template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } },
        'Deployment.apps "nosel" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`]',
      );
      await rejected(
        'Deployment',
        { metadata: { name: 'empty' }, spec: { selector: {}, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } },
        'Deployment.apps "empty" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
      );
      await rejected(
        'Deployment',
        {
          metadata: { name: 'strat' },
          spec: {
            selector: { matchLabels: { app: 'x' } },
            minReadySeconds: 700,
            strategy: { rollingUpdate: { maxUnavailable: '110%', maxSurge: 0 } },
            template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
          },
        },
        'Deployment.apps "strat" is invalid: [spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"110%"}: must not be greater than 100%, spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds]',
      );
    });

    it('Deployment: the selector is immutable in apps/v1', async () => {
      const d = await create('Deployment', {
        metadata: { name: 'immut' },
        spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a', b: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
      });
      d.spec.selector = { matchLabels: { app: 'a', b: 'b' } };
      await rejected(
        'Deployment',
        d,
        'Deployment.apps "immut" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"a", "b":"b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
        'PUT',
        'immut',
      );
    });

    it('Deployment: annotation changes bump the generation', async () => {
      const d = await create('Deployment', {
        metadata: { name: 'annot' },
        spec: { selector: { matchLabels: { app: 'n' } }, template: { metadata: { labels: { app: 'n' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
      });
      d.metadata.annotations = { note: 'x' };
      const r = (await c.req('PUT', `${api('apps/v1', 'deployments')}/annot`, d)).json<Obj>();
      assert.equal(r.metadata.generation, 2);
    });

    it('StatefulSet: spec updates limited to the allowed fields; names are DNS labels', async () => {
      const s = await create('StatefulSet', {
        metadata: { name: 'db' },
        spec: { serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
      });
      const ok = structuredClone(s);
      ok.spec.replicas = 3;
      ok.spec.template.spec.containers[0].image = 'i2';
      const r = await c.req('PUT', `${api('apps/v1', 'statefulsets')}/db`, ok);
      assert.equal(r.status, 200);
      const bad = r.json<Obj>();
      bad.spec.serviceName = 'other';
      await rejected(
        'StatefulSet',
        bad,
        "StatefulSet.apps \"db\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        'PUT',
        'db',
      );
      await rejected(
        'StatefulSet',
        { metadata: { name: 'a.b' }, spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } },
        'StatefulSet.apps "a.b" is invalid: metadata.name: Invalid value: "a.b": must not contain dots',
      );
    });

    it('DaemonSet: rolling update with both maxSurge and maxUnavailable', async () => {
      await rejected(
        'DaemonSet',
        {
          metadata: { name: 'ds' },
          spec: {
            selector: { matchLabels: { a: 'b' } },
            updateStrategy: { rollingUpdate: { maxSurge: 1 } },
            template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
          },
        },
        'DaemonSet.apps "ds" is invalid: spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:""}: may not be set when maxUnavailable is non-zero',
      );
    });

    it('Job: restartPolicy Always, immutable template, manual selector', async () => {
      await rejected(
        'Job',
        { metadata: { name: 'always' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'i' }] } } } },
        'Job.batch "always" is invalid: spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
      );
      const j = await create('Job', { metadata: { name: 'imm' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'i' }] } } } });
      j.spec.template.spec.containers[0].image = 'other';
      const s = await rejected('Job', j, 'Job.batch "imm" is invalid: spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable', 'PUT', 'imm');
      assert.equal(s.details.causes[0].field, 'spec.template');
      await rejected(
        'Job',
        { metadata: { name: 'manual' }, spec: { manualSelector: true, template: { metadata: { labels: { a: 'b' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'i' }] } } } },
        'Job.batch "manual" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{"a":"b"}: `selector` does not match template `labels`]',
      );
      const m = await create('Job', {
        metadata: { name: 'manual2' },
        spec: { manualSelector: true, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'i' }] } } },
      });
      assert.deepEqual(m.spec.template.metadata.labels, { a: 'b' });
      assert.deepEqual(m.metadata.labels, { a: 'b' });
    });

    it('CronJob: schedule syntax, TZ rules, name length', async () => {
      const cj = (name: string, schedule: string, extra: Obj = {}) => ({
        metadata: { name },
        spec: { schedule, ...extra, jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'i' }] } } } } },
      });
      await rejected('CronJob', cj('c1', '61 * * * *'), 'CronJob.batch "c1" is invalid: spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61');
      await rejected('CronJob', cj('c2', '* * *'), 'CronJob.batch "c2" is invalid: spec.schedule: Invalid value: "* * *": expected exactly 5 fields, found 3: [* * *]');
      await rejected('CronJob', cj('c3', '@every 5x'), 'CronJob.batch "c3" is invalid: spec.schedule: Invalid value: "@every 5x": failed to parse duration @every 5x: time: unknown unit "x" in duration "5x"');
      await rejected(
        'CronJob',
        cj('c4', 'TZ=UTC 0 * * * *'),
        'CronJob.batch "c4" is invalid: spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
      );
      await rejected('CronJob', cj('c5', '0 * * * *', { timeZone: 'Mars/Olympus' }), 'CronJob.batch "c5" is invalid: spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus');
      await rejected('CronJob', cj('c6', '0 * * * *', { timeZone: 'Local' }), 'CronJob.batch "c6" is invalid: spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones');
      const long = 'x'.repeat(53);
      await rejected('CronJob', cj(long, '0 * * * *'), `CronJob.batch "${long}" is invalid: metadata.name: Invalid value: "${long}": must be no more than 52 characters`);
      const ok = await create('CronJob', cj('tz', '*/5 * * * *', { timeZone: 'Europe/Berlin' }));
      assert.equal(ok.spec.timeZone, 'Europe/Berlin');
    });

    it('ReplicationController: restartPolicy must be Always', async () => {
      await rejected(
        'ReplicationController',
        { metadata: { name: 'rc' }, spec: { template: { metadata: { labels: { a: 'b' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'i' }] } } } },
        'ReplicationController "rc" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
      );
    });

    it('Pod: containers required, bad volume mount, bad ports', async () => {
      await rejected('Pod', { metadata: { name: 'none' }, spec: {} }, 'Pod "none" is invalid: spec.containers: Required value');
      await rejected(
        'Pod',
        { metadata: { name: 'mnt' }, spec: { containers: [{ name: 'c', image: 'i', volumeMounts: [{ name: 'missing', mountPath: '/x' }], ports: [{ containerPort: 70000 }] }] } },
        'Pod "mnt" is invalid: [spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive, spec.containers[0].volumeMounts[0].name: Not found: "missing"]',
      );
    });

    it('Pod updates may only change images, activeDeadlineSeconds, tolerations', async () => {
      const p = await create('Pod', { metadata: { name: 'upd' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
      const img = structuredClone(p);
      img.spec.containers[0].image = 'busybox:1.36';
      const ok = await c.req('PUT', `${api('v1', 'pods')}/upd`, img);
      assert.equal(ok.status, 200);
      const bad = ok.json<Obj>();
      bad.spec.containers[0].workingDir = '/tmp';
      const { group, resource } = RESOURCES.Pod!;
      const r = await c.req('PUT', `${api(group, resource)}/upd`, bad);
      assert.equal(r.status, 422);
      const s = r.json<Obj>();
      assert.ok(
        s.message.startsWith(
          'Pod "upd" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n',
        ),
        s.message,
      );
      const added = structuredClone(ok.json<Obj>());
      added.spec.containers.push({ name: 'd', image: 'i' });
      const r2 = await c.req('PUT', `${api(group, resource)}/upd`, added);
      assert.equal(r2.json<Obj>().message, 'Pod "upd" is invalid: spec.containers: Forbidden: pod updates may not add or remove containers');
    });

    it('Pod status: the QoS class is immutable', async () => {
      const p = await create('Pod', { metadata: { name: 'qos' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
      p.status.qosClass = 'Guaranteed';
      const r = await c.req('PUT', `${api('v1', 'pods')}/qos/status`, p);
      assert.equal(r.status, 422);
      assert.equal(r.json<Obj>().message, 'Pod "qos" is invalid: status.qosClass: Invalid value: "Guaranteed": field is immutable');
      delete p.status.qosClass;
      const kept = await c.req('PUT', `${api('v1', 'pods')}/qos/status`, p);
      assert.equal(kept.status, 200);
      assert.equal(kept.json<Obj>().status.qosClass, 'BestEffort');
    });

    it('warnings: pod names that are not DNS labels, deprecated volume plugins', async () => {
      const r = await c.req('POST', api('v1', 'pods'), { metadata: { name: 'a.b' }, spec: { containers: [{ name: 'c', image: 'i' }], volumes: [{ name: 'g', gitRepo: { repository: 'r' } }] } });
      assert.equal(r.status, 201);
      const warning = String(r.headers['warning']);
      assert.match(warning, /metadata\.name: this is used in the Pod's hostname, which can result in surprising behavior; a DNS label is recommended: \[must not contain dots\]/);
      assert.match(warning, /spec\.volumes\[0\]\.gitRepo: deprecated in v1\.11/);
    });
  });

  describe('corpus manifests', () => {
    /** Manifests kube-apiserver 1.32 rejects too, with its messages (first line). */
    const UPSTREAM_REJECTS: Record<string, string> = {
      '_archived/volumes/aws_ebs/aws-ebs-web.yaml': 'Pod "aws-web" is invalid: spec.containers[0].ports[0].protocol: Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"',
      '_archived/volumes/cinder/cinder-web.yaml': 'Pod "cinder-web" is invalid: spec.containers[0].ports[0].protocol: Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"',
      '_archived/sysdig-cloud/sysdig-rc.yaml': 'ReplicationController "sysdig-agent" is invalid: spec.selector: Required value',
    };
    /** Files with placeholders left in (`{{...}}`, `<ADD LUN ID Here>`): undecodable (400), upstream too. */
    const UPSTREAM_BAD_REQUESTS: Record<string, string> = {
      '_archived/volumes/fibre_channel/fc.yaml':
        'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field FCVolumeSource.spec.volumes.fc.lun of type int32',
      '_archived/storage/vitess/etcd-controller-template.yaml':
        'ReplicationController in version "v1" cannot be handled as a ReplicationController: json: cannot unmarshal object into Go struct field ReplicationControllerSpec.spec.replicas of type int32',
      '_archived/storage/vitess/vtgate-controller-template.yaml':
        'ReplicationController in version "v1" cannot be handled as a ReplicationController: json: cannot unmarshal object into Go struct field ReplicationControllerSpec.spec.replicas of type int32',
    };
    const SERVED = new Set(['v1', 'apps/v1', 'batch/v1']);

    it('every manifest of these kinds is accepted (or rejected as upstream does) and reads back defaulted', async () => {
      const files = execFileSync('find', [CORPUS, '-name', '*.yaml', '-o', '-name', '*.yml'], { encoding: 'utf8' }).trim().split('\n').sort();
      let accepted = 0;
      let n = 0;
      for (const file of files) {
        let docs: Obj[];
        try {
          docs = loadYaml(file);
        } catch {
          continue; // templated files that are not YAML
        }
        const rel = file.slice(`${CORPUS}/`.length).replace(/^kubernetes-examples\//, '');
        for (const doc of docs) {
          const res = RESOURCES[doc.kind];
          if (!res || !SERVED.has(doc.apiVersion) || JSON.stringify(doc).includes('{{')) continue;
          const ns = `corpus-${n++}`;
          await c.req('POST', '/api/v1/namespaces', { metadata: { name: ns } });
          // the pods' service accounts, which admission requires to exist
          const sa = doc.spec?.serviceAccountName ?? doc.spec?.serviceAccount;
          if (sa) await c.req('POST', `/api/v1/namespaces/${ns}/serviceaccounts`, { metadata: { name: sa } });
          delete doc.metadata?.namespace;
          const r = await c.req('POST', api(res.group, res.resource, ns), doc);
          if (UPSTREAM_BAD_REQUESTS[rel]) {
            assert.equal(r.status, 400, rel);
            assert.equal(r.json<Obj>().message, UPSTREAM_BAD_REQUESTS[rel], rel);
            continue;
          }
          const expected = UPSTREAM_REJECTS[rel];
          if (expected) {
            assert.equal(r.status, 422, rel);
            assert.equal(r.json<Obj>().message, expected, rel);
            continue;
          }
          assert.equal(r.status, 201, `${rel}: ${JSON.stringify(r.json())}`);
          accepted++;
          const o = r.json<Obj>();
          checkDefaults(o, rel);
          // reading back and writing back unchanged is a no-op (defaults are stable)
          const got = await c.req('GET', `${api(res.group, res.resource, ns)}/${o.metadata.name}`);
          assert.deepEqual(got.json(), o, rel);
          const put = await c.req('PUT', `${api(res.group, res.resource, ns)}/${o.metadata.name}`, o);
          assert.equal(put.status, 200, `${rel}: ${JSON.stringify(put.json())}`);
          assert.equal(put.json<Obj>().metadata.resourceVersion, o.metadata.resourceVersion, `${rel}: unchanged update`);
        }
      }
      assert.ok(accepted >= 40, `accepted ${accepted}`);
    });
  });
});

/** Checks the defaults upstream applies to every pod spec of a stored object. */
function checkDefaults(o: Obj, rel: string): void {
  const templates: Obj[] = [];
  if (o.kind === 'Pod') templates.push({ spec: o.spec });
  else if (o.kind === 'PodTemplate') templates.push(o.template);
  else if (o.kind === 'CronJob') templates.push(o.spec.jobTemplate.spec.template);
  else if (o.spec?.template) templates.push(o.spec.template);
  for (const t of templates) {
    if (o.kind !== 'Pod') assert.equal(t.metadata.creationTimestamp, null, `${rel}: template creationTimestamp`);
    const s = t.spec;
    for (const k of ['dnsPolicy', 'restartPolicy', 'schedulerName', 'securityContext', 'terminationGracePeriodSeconds']) assert.ok(s[k] !== undefined, `${rel}: ${k}`);
    for (const ctr of [...(s.containers ?? []), ...(s.initContainers ?? [])]) {
      assert.equal(ctr.terminationMessagePath ?? '', ctr.terminationMessagePath || '/dev/termination-log', rel);
      assert.ok(ctr.terminationMessagePolicy, `${rel}: terminationMessagePolicy`);
      assert.ok(ctr.imagePullPolicy, `${rel}: imagePullPolicy`);
      assert.ok(ctr.resources, `${rel}: resources`);
      for (const p of ctr.ports ?? []) assert.ok(p.protocol, `${rel}: protocol`);
      for (const probe of [ctr.livenessProbe, ctr.readinessProbe, ctr.startupProbe].filter(Boolean)) {
        for (const k of ['timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) assert.ok(probe[k] > 0, `${rel}: probe ${k}`);
      }
    }
    for (const v of s.volumes ?? []) {
      if (v.configMap) assert.equal(typeof v.configMap.defaultMode, 'number', `${rel}: configMap defaultMode`);
      if (v.secret) assert.equal(typeof v.secret.defaultMode, 'number', `${rel}: secret defaultMode`);
      if (v.hostPath) assert.equal(typeof v.hostPath.type, 'string', `${rel}: hostPath type`);
    }
  }
  if (o.kind === 'Deployment') for (const k of ['replicas', 'revisionHistoryLimit', 'progressDeadlineSeconds', 'strategy']) assert.ok(o.spec[k] !== undefined, `${rel}: ${k}`);
  if (o.kind === 'StatefulSet') for (const k of ['podManagementPolicy', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'revisionHistoryLimit']) assert.ok(o.spec[k] !== undefined, `${rel}: ${k}`);
}
