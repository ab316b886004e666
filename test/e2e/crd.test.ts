/**
 * CustomResourceDefinitions with real kubectl 1.32: a CRD with a rich schema (validation
 * errors with field paths, defaults, pruning/strict unknown fields), printer columns in get
 * and -o wide, patch, scale and the status subresource, explain, a multi-version CRD with one
 * storage version, CRDs surviving a restart, and deleting a CRD deleting its objects.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kubectl, kubectlOk, startServerProcess, tempDir, type ServerProcess } from './helpers.js';

const CRONTAB_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct], categories: [all]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
      scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}
    additionalPrinterColumns:
    - {name: Spec, type: string, jsonPath: .spec.cronSpec}
    - {name: Replicas, type: integer, jsonPath: .spec.replicas}
    - {name: Image, type: string, jsonPath: .spec.image, priority: 1}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [cronSpec]
            properties:
              cronSpec: {type: string, pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'}
              image: {type: string, default: busybox}
              replicas: {type: integer, minimum: 1, maximum: 10, default: 1}
              mode: {type: string, enum: [fast, slow]}
              extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
          status:
            type: object
            properties:
              replicas: {type: integer}
`;

const WIDGET_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.org
spec:
  group: example.org
  scope: Cluster
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
  - name: v1beta1
    served: true
    storage: false
    schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {size: {type: integer}}}}}}
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {size: {type: integer}}}}}}
`;

describe('CustomResourceDefinitions with kubectl', () => {
  let srv: ServerProcess;
  let dir: ReturnType<typeof tempDir>;
  let kc: string;
  const ok = (args: string[], opts?: Parameters<typeof kubectl>[2]) => kubectlOk(kc, args, opts);
  const k = (args: string[], opts?: Parameters<typeof kubectl>[2]) => kubectl(kc, args, opts);
  const until = async (cond: () => Promise<boolean>, what: string, ms = 15_000) => {
    const end = Date.now() + ms;
    while (!(await cond())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  before(async () => {
    dir = tempDir();
    srv = await startServerProcess(['--data-dir', dir.path, '--port', '0', '--disable-agent']);
    kc = srv.kubeconfig;
  });
  after(async () => {
    await srv.stop();
    dir.remove();
  });

  it('establishes a CRD and serves its resource in discovery', async () => {
    await ok(['apply', '-f', '-'], { stdin: CRONTAB_CRD });
    await ok(['wait', '--for=condition=Established', 'crd/crontabs.stable.example.com', '--timeout=10s']);
    const conds = await ok(['get', 'crd', 'crontabs.stable.example.com', '-o', 'jsonpath={range .status.conditions[*]}{.type}={.status}/{.reason} {end}']);
    assert.equal(conds.trim(), 'NamesAccepted=True/NoConflicts Established=True/InitialNamesAccepted');
    assert.match(await ok(['api-resources', '--api-group=stable.example.com']), /^crontabs\s+ct\s+stable\.example\.com\/v1\s+true\s+CronTab$/m);
  });

  it('validates, defaults and prunes custom resources', async () => {
    await ok(['apply', '-f', '-'], { stdin: 'apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata: {name: good}\nspec: {cronSpec: "*/5 * * * *", extra: {anything: [1, 2]}}\n' });
    const good = JSON.parse(await ok(['get', 'crontab', 'good', '-o', 'json']));
    assert.deepEqual(good.spec, { cronSpec: '*/5 * * * *', extra: { anything: [1, 2] }, image: 'busybox', replicas: 1 });
    const bad = await k(['apply', '-f', '-'], { stdin: 'apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata: {name: bad}\nspec: {cronSpec: "often", replicas: 20, mode: turbo}\n' });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /The CronTab "bad" is invalid: /);
    assert.match(bad.stderr, /\* spec\.cronSpec: Invalid value: "often": spec\.cronSpec in body should match/);
    assert.match(bad.stderr, /\* spec\.replicas: Invalid value: 20: spec\.replicas in body should be less than or equal to 10/);
    assert.match(bad.stderr, /\* spec\.mode: Unsupported value: "turbo": supported values: "fast", "slow"/);
    const missing = await k(['apply', '-f', '-'], { stdin: 'apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata: {name: missing}\nspec: {image: x}\n' });
    assert.match(missing.stderr, /spec\.cronSpec: Required value/);
    const strict = await k(['apply', '-f', '-'], { stdin: 'apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata: {name: unk}\nspec: {cronSpec: "* * * * *", bogus: 1}\n' });
    assert.equal(strict.code, 1);
    assert.match(strict.stderr, /unknown field "spec\.bogus"/);
    // Without strict validation unknown fields are pruned.
    await ok(['apply', '--validate=false', '-f', '-'], { stdin: 'apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata: {name: unk}\nspec: {cronSpec: "* * * * *", bogus: 1}\n' });
    assert.equal(await ok(['get', 'ct', 'unk', '-o', 'jsonpath={.spec.bogus}']), '');
  });

  it('prints the CRD columns, patches, scales and writes status', async () => {
    assert.match(await ok(['get', 'crontabs']), /^NAME\s+SPEC\s+REPLICAS\s+AGE\ngood\s+\*\/5 \* \* \* \*\s+1\s+\S+\nunk\s+\* \* \* \* \*\s+1\s+\S+\n$/);
    assert.match(await ok(['get', 'ct', 'good', '-o', 'wide']), /^NAME\s+SPEC\s+REPLICAS\s+IMAGE\s+AGE\ngood\s+\*\/5 \* \* \* \*\s+1\s+busybox\s+\S+\n$/);
    await ok(['patch', 'ct', 'good', '--type=merge', '-p', '{"spec":{"image":"nginx"}}']);
    assert.equal(await ok(['get', 'ct', 'good', '-o', 'jsonpath={.spec.image}']), 'nginx');
    const sp = await k(['patch', 'ct', 'good', '--type=strategic', '-p', '{"spec":{"image":"x"}}']);
    assert.equal(sp.code, 1);
    assert.match(sp.stderr, /application\/merge-patch\+json/);
    assert.match(await ok(['scale', 'ct', 'good', '--replicas=4']), /crontab\.stable\.example\.com\/good scaled/);
    assert.equal(await ok(['get', 'ct', 'good', '-o', 'jsonpath={.spec.replicas}']), '4');
    await ok(['patch', 'ct', 'good', '--subresource=status', '--type=merge', '-p', '{"status":{"replicas":4}}']);
    assert.equal(await ok(['get', 'ct', 'good', '-o', 'jsonpath={.status.replicas}']), '4');
    // The main resource ignores status; generation moves with spec only.
    const gen = await ok(['get', 'ct', 'good', '-o', 'jsonpath={.metadata.generation}']);
    await ok(['patch', 'ct', 'good', '--type=merge', '-p', '{"status":{"replicas":9}}']);
    assert.equal(await ok(['get', 'ct', 'good', '-o', 'jsonpath={.status.replicas}/{.metadata.generation}']), `4/${gen}`);
    assert.match(await ok(['explain', 'crontab.spec']), /cronSpec\s+<string> -required-/);
  });

  it('serves several versions of one storage version, and keeps CRDs across a restart', async () => {
    await ok(['apply', '-f', '-'], { stdin: WIDGET_CRD });
    await ok(['wait', '--for=condition=Established', 'crd/widgets.example.org', '--timeout=10s']);
    await ok(['apply', '-f', '-'], { stdin: 'apiVersion: example.org/v1beta1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 3}\n' });
    assert.equal(await ok(['get', 'widgets.v1beta1.example.org', 'w', '-o', 'jsonpath={.apiVersion}']), 'example.org/v1beta1');
    assert.equal(await ok(['get', 'widgets.v1.example.org', 'w', '-o', 'jsonpath={.apiVersion} {.spec.size}']), 'example.org/v1 3');
    assert.equal(await ok(['get', 'crd', 'widgets.example.org', '-o', 'jsonpath={.status.storedVersions}']), '["v1"]');
    await srv.stop();
    srv = await startServerProcess(['--data-dir', dir.path, '--port', '0', '--disable-agent']);
    kc = srv.kubeconfig;
    assert.equal(await ok(['get', 'widget', 'w', '-o', 'jsonpath={.spec.size}']), '3');
    assert.match(await ok(['get', 'ct']), /^good\s/m);
  });

  it('validates the CRD itself', async () => {
    const bad = await k(['apply', '-f', '-'], {
      stdin: `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: things.example.com}
spec:
  group: example.com
  scope: Global
  names: {plural: stuff, kind: Thing}
  versions:
  - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}
  - {name: v2, served: true, storage: true}
`,
    });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /The CustomResourceDefinition "things\.example\.com" is invalid/);
    assert.match(bad.stderr, /metadata\.name: Invalid value: "things\.example\.com": must be spec\.names\.plural\+"\."\+spec\.group/);
    assert.match(bad.stderr, /spec\.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"/);
    assert.match(bad.stderr, /must have exactly one version marked as storage version/);
    assert.match(bad.stderr, /spec\.versions\[1\]\.schema\.openAPIV3Schema: Required value: schemas are required/);
  });

  it('rejects names taken by a built-in resource of the group', async () => {
    await ok(['apply', '-f', '-'], {
      stdin: `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ingresses.networking.k8s.io
  annotations: {api-approved.kubernetes.io: "unapproved, testing"}
spec:
  group: networking.k8s.io
  scope: Namespaced
  names: {plural: ingresses, kind: Ingress}
  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]
`,
    });
    await until(async () => (await ok(['get', 'crd', 'ingresses.networking.k8s.io', '-o', 'jsonpath={.status.conditions[?(@.type=="NamesAccepted")].status}'])) === 'False', 'NamesAccepted=False');
    const builtin = await k(['get', 'ingresses', '-A']);
    assert.equal(builtin.code, 0, builtin.stderr);
    assert.match(builtin.stderr + builtin.stdout, /No resources found|NAMESPACE/);
  });

  it('deletes the objects of a deleted CRD and stops serving it', async () => {
    assert.equal((await ok(['delete', 'crd', 'crontabs.stable.example.com', '--timeout=30s'])).trim(), 'customresourcedefinition.apiextensions.k8s.io "crontabs.stable.example.com" deleted');
    await until(async () => !(await ok(['api-resources'])).includes('crontabs'), 'crontabs to leave discovery');
    const res = await k(['get', 'crontabs']);
    assert.notEqual(res.code, 0);
    // Re-creating it shows no leftover objects.
    await ok(['apply', '-f', '-'], { stdin: CRONTAB_CRD });
    await ok(['wait', '--for=condition=Established', 'crd/crontabs.stable.example.com', '--timeout=10s']);
    await until(async () => (await k(['get', 'crontabs'])).code === 0, 'crontabs served again');
    assert.match((await k(['get', 'crontabs'])).stderr, /No resources found/);
  });
});
