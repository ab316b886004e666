/**
 * Real kubectl 1.32 against a real `k8ts server` process: the everyday commands and the
 * output users see. No mocks: if kubectl cannot tell k8ts from upstream, these pass.
 */
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { kubectl, kubectlOk, startServerProcess, tempDir, type ServerProcess } from './helpers.js';

describe('kubectl against k8ts server', () => {
  let srv: ServerProcess;
  let dir: ReturnType<typeof tempDir>;
  let kc: string;
  const k = (args: string[], opts?: Parameters<typeof kubectl>[2]) => kubectl(kc, args, opts);
  const ok = (args: string[], opts?: Parameters<typeof kubectl>[2]) => kubectlOk(kc, args, opts);

  before(async () => {
    dir = tempDir();
    srv = await startServerProcess(['--data-dir', dir.path, '--port', '0', '--disable-agent']);
    kc = srv.kubeconfig;
  });
  after(async () => {
    await srv.stop();
    dir.remove();
  });

  it('reports the server version and serves discovery', async () => {
    const v = await ok(['version', '-o', 'json']);
    assert.match(JSON.parse(v).serverVersion.gitVersion, /^v1\.32\./);
    const res = await ok(['api-resources']);
    assert.match(res, /^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND/m);
    assert.match(res, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    assert.match(res, /^horizontalpodautoscalers\s+hpa\s+autoscaling\/v2\s+true\s+HorizontalPodAutoscaler$/m);
    const versions = (await ok(['api-versions'])).split('\n');
    for (const gv of ['v1', 'apps/v1', 'batch/v1', 'autoscaling/v1', 'autoscaling/v2', 'rbac.authorization.k8s.io/v1']) {
      assert.ok(versions.includes(gv), gv);
    }
  });

  it('creates objects with kubectl create subcommands (protobuf bodies)', async () => {
    await ok(['create', 'namespace', 'demo']);
    await ok(['-n', 'demo', 'create', 'configmap', 'cfg', '--from-literal=a=1', '--from-literal=b=2']);
    const f = join(dir.path, 'settings.txt');
    writeFileSync(f, 'hello\n');
    await ok(['-n', 'demo', 'create', 'configmap', 'fromfile', `--from-file=${f}`]);
    await ok(['-n', 'demo', 'create', 'secret', 'generic', 'sec', '--from-literal=password=s3cr3t']);
    await ok(['-n', 'demo', 'create', 'secret', 'docker-registry', 'reg', '--docker-server=r.example.com', '--docker-username=u', '--docker-password=p']);
    await ok(['-n', 'demo', 'create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=2', '--port=80']);
    await ok(['-n', 'demo', 'create', 'service', 'clusterip', 'web', '--tcp=80:80']);
    await ok(['-n', 'demo', 'create', 'service', 'nodeport', 'web-np', '--tcp=80:8080']);
    await ok(['-n', 'demo', 'create', 'job', 'once', '--image=busybox', '--', 'echo', 'hi']);
    await ok(['-n', 'demo', 'create', 'cronjob', 'tick', '--image=busybox', '--schedule=*/5 * * * *', '--', 'date']);
    await ok(['-n', 'demo', 'create', 'role', 'reader', '--verb=get,list', '--resource=pods']);
    await ok(['-n', 'demo', 'create', 'rolebinding', 'reader', '--role=reader', '--user=alice']);
    await ok(['-n', 'demo', 'create', 'serviceaccount', 'robot']);
    await ok(['create', 'priorityclass', 'high', '--value=1000']);
    await ok(['-n', 'demo', 'create', 'quota', 'q', '--hard=pods=10']);
    const cm = JSON.parse(await ok(['-n', 'demo', 'get', 'configmap', 'cfg', '-o', 'json']));
    assert.deepEqual(cm.data, { a: '1', b: '2' });
    const ff = JSON.parse(await ok(['-n', 'demo', 'get', 'configmap', 'fromfile', '-o', 'json']));
    assert.deepEqual(ff.data, { 'settings.txt': 'hello\n' });
    const sec = JSON.parse(await ok(['-n', 'demo', 'get', 'secret', 'sec', '-o', 'json']));
    assert.equal(Buffer.from(sec.data.password, 'base64').toString(), 's3cr3t');
    const svc = JSON.parse(await ok(['-n', 'demo', 'get', 'svc', 'web-np', '-o', 'json']));
    assert.equal(svc.spec.type, 'NodePort');
    assert.ok(svc.spec.ports[0].nodePort >= 30000);
    const pc = JSON.parse(await ok(['get', 'priorityclass', 'high', '-o', 'json']));
    assert.equal(pc.value, 1000);
    const again = await k(['-n', 'demo', 'create', 'configmap', 'cfg', '--from-literal=a=1']);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /failed to create configmap: configmaps "cfg" already exists/);
  });

  it('gets in every output format', async () => {
    const wide = await ok(['-n', 'demo', 'get', 'deploy', '-o', 'wide']);
    assert.match(wide, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/m);
    // No node runs the pods here (--disable-agent): the controllers create them, none is available.
    assert.match(wide, /^web\s+0\/2\s+2\s+0\s+\S+\s+nginx\s+nginx:1\.25\s+app=web$/m);
    const yaml = await ok(['-n', 'demo', 'get', 'cm', 'cfg', '-o', 'yaml']);
    assert.match(yaml, /^kind: ConfigMap$/m);
    assert.match(yaml, /^  resourceVersion: "\d+"$/m);
    assert.equal(await ok(['-n', 'demo', 'get', 'cm', 'cfg', '-o', 'jsonpath={.data.a}']), '1');
    const cc = await ok(['-n', 'demo', 'get', 'cm', '-o', 'custom-columns=NAME:.metadata.name,A:.data.a', '--sort-by=.metadata.name']);
    assert.match(cc, /^NAME\s+A\ncfg\s+1\nfromfile\s+<none>\n/m);
    const names = await ok(['-n', 'demo', 'get', 'cm', '-o', 'name']);
    assert.match(names, /^configmap\/cfg$/m);
    const all = await ok(['get', 'svc', '-A']);
    assert.match(all, /^NAMESPACE\s+NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/m);
    assert.match(all, /^default\s+kubernetes\s+ClusterIP\s+10\.96\.0\.1\s+<none>\s+443\/TCP\s+/m);
    assert.match(all, /^demo\s+web-np\s+NodePort\s+10\.\d+\.\d+\.\d+\s+<none>\s+80:3\d{4}\/TCP\s+/m);
  });

  it('selects by labels and fields, and shows labels', async () => {
    await ok(['-n', 'demo', 'label', 'cm', 'cfg', 'tier=backend']);
    const l = await ok(['-n', 'demo', 'get', 'cm', '-l', 'tier=backend', '-o', 'name']);
    assert.equal(l.trim(), 'configmap/cfg');
    const f = await ok(['-n', 'demo', 'get', 'cm', '--field-selector', 'metadata.name=fromfile', '-o', 'name']);
    assert.equal(f.trim(), 'configmap/fromfile');
    const shown = await ok(['-n', 'demo', 'get', 'cm', 'cfg', '--show-labels']);
    assert.match(shown, /LABELS\n.*tier=backend/);
    const bad = await k(['-n', 'demo', 'get', 'pods', '--field-selector', 'spec.bogus=x']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /field label not supported: spec.bogus/);
  });

  it('labels and annotates with --overwrite and removal', async () => {
    const clash = await k(['-n', 'demo', 'label', 'cm', 'cfg', 'tier=frontend']);
    assert.notEqual(clash.code, 0);
    assert.match(clash.stderr, /already has a value \(backend\), and --overwrite is false/);
    await ok(['-n', 'demo', 'label', 'cm', 'cfg', 'tier=frontend', '--overwrite']);
    await ok(['-n', 'demo', 'annotate', 'cm', 'cfg', 'note=hello']);
    let cm = JSON.parse(await ok(['-n', 'demo', 'get', 'cm', 'cfg', '-o', 'json']));
    assert.equal(cm.metadata.labels.tier, 'frontend');
    assert.equal(cm.metadata.annotations.note, 'hello');
    await ok(['-n', 'demo', 'label', 'cm', 'cfg', 'tier-']);
    await ok(['-n', 'demo', 'annotate', 'cm', 'cfg', 'note-']);
    cm = JSON.parse(await ok(['-n', 'demo', 'get', 'cm', 'cfg', '-o', 'json']));
    assert.equal(cm.metadata.labels?.tier, undefined);
    assert.equal(cm.metadata.annotations?.note, undefined);
  });

  it('patches with strategic, merge and json patches, and scales', async () => {
    await ok(['-n', 'demo', 'patch', 'deploy', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","env":[{"name":"MODE","value":"x"}]}]}}}}']);
    let d = JSON.parse(await ok(['-n', 'demo', 'get', 'deploy', 'web', '-o', 'json']));
    assert.equal(d.spec.template.spec.containers.length, 1, 'containers merged by name');
    assert.deepEqual(d.spec.template.spec.containers[0].env, [{ name: 'MODE', value: 'x' }]);
    await ok(['-n', 'demo', 'patch', 'deploy', 'web', '--type=merge', '-p', '{"metadata":{"annotations":{"m":"1"}}}']);
    await ok(['-n', 'demo', 'patch', 'deploy', 'web', '--type=json', '-p', '[{"op":"add","path":"/metadata/labels/j","value":"2"}]']);
    await ok(['-n', 'demo', 'scale', 'deploy', 'web', '--replicas=4']);
    d = JSON.parse(await ok(['-n', 'demo', 'get', 'deploy', 'web', '-o', 'json']));
    assert.equal(d.metadata.annotations.m, '1');
    assert.equal(d.metadata.labels.j, '2');
    assert.equal(d.spec.replicas, 4);
    const bad = await k(['-n', 'demo', 'patch', 'deploy', 'web', '--type=json', '-p', '[{"op":"test","path":"/spec/replicas","value":9}]']);
    assert.notEqual(bad.code, 0);
  });

  it('applies, then re-applies a changed manifest with a three-way merge that keeps fields set by others', async () => {
    const file = join(dir.path, 'app.yaml');
    const manifest = (replicas: number, extra: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: applied
  namespace: demo
  labels: {app: applied}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: applied}}
  template:
    metadata: {labels: {app: applied}}
    spec:
      containers:
      - name: main
        image: nginx:1.25
${extra}`;
    writeFileSync(file, manifest(2, '        env: [{name: A, value: "1"}]\n'));
    assert.match(await ok(['apply', '-f', file]), /deployment.apps\/applied created/);
    // Someone else sets a field the manifest does not mention.
    await ok(['-n', 'demo', 'annotate', 'deploy', 'applied', 'owner=ops']);
    writeFileSync(file, manifest(3, ''));
    assert.match(await ok(['apply', '-f', file]), /deployment.apps\/applied configured/);
    const d = JSON.parse(await ok(['-n', 'demo', 'get', 'deploy', 'applied', '-o', 'json']));
    assert.equal(d.spec.replicas, 3);
    assert.equal(d.spec.template.spec.containers[0].env, undefined, 'the field the manifest dropped is removed');
    assert.equal(d.metadata.annotations.owner, 'ops', 'the field set by someone else stays');
    assert.match(await ok(['apply', '-f', file]), /deployment.apps\/applied unchanged/);
    const diff = await k(['diff', '-f', file]);
    assert.equal(diff.code, 0, diff.stderr + diff.stdout);
    writeFileSync(file, manifest(5, ''));
    const changed = await k(['diff', '-f', file]);
    assert.equal(changed.code, 1);
    assert.match(changed.stdout, /-  replicas: 3\n\+  replicas: 5/);
  });

  it('replaces and edits objects', async () => {
    const cm = JSON.parse(await ok(['-n', 'demo', 'get', 'cm', 'cfg', '-o', 'json']));
    cm.data = { replaced: 'yes' };
    const file = join(dir.path, 'cm.json');
    writeFileSync(file, JSON.stringify(cm));
    await ok(['replace', '-f', file]);
    assert.equal(await ok(['-n', 'demo', 'get', 'cm', 'cfg', '-o', 'jsonpath={.data.replaced}']), 'yes');
    const stale = await k(['replace', '-f', file]);
    assert.notEqual(stale.code, 0);
    assert.match(stale.stderr, /the object has been modified; please apply your changes to the latest version and try again/);
    const editor = join(dir.path, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i "s/replaced: \\"\\{0,1\\}yes\\"\\{0,1\\}/replaced: edited/" "$1"\n');
    chmodSync(editor, 0o755);
    await ok(['-n', 'demo', 'edit', 'cm', 'cfg'], { env: { KUBE_EDITOR: editor } });
    assert.equal(await ok(['-n', 'demo', 'get', 'cm', 'cfg', '-o', 'jsonpath={.data.replaced}']), 'edited');
  });

  it('waits for jsonpath conditions and deletions', async () => {
    const waiting = k(['-n', 'demo', 'wait', 'cm/cfg', '--for=jsonpath={.data.ready}=true', '--timeout=20s']);
    await new Promise((r) => setTimeout(r, 500));
    await ok(['-n', 'demo', 'patch', 'cm', 'cfg', '--type=merge', '-p', '{"data":{"ready":"true"}}']);
    const w = await waiting;
    assert.equal(w.code, 0, w.stderr);
    assert.match(w.stdout, /configmap\/cfg condition met/);
    await ok(['-n', 'demo', 'delete', 'cm', 'fromfile', '--wait=true']);
    const gone = await k(['-n', 'demo', 'get', 'cm', 'fromfile']);
    assert.match(gone.stderr, /Error from server \(NotFound\): configmaps "fromfile" not found/);
  });

  it('explains types from the OpenAPI documents', async () => {
    const probe = await ok(['explain', 'pod.spec.containers.livenessProbe']);
    assert.match(probe, /KIND:\s+Pod/);
    assert.match(probe, /FIELD: livenessProbe <Probe>/);
    assert.match(probe, /httpGet\s+<HTTPGetAction>/);
    const rec = await ok(['explain', 'deployment', '--recursive']);
    assert.match(rec, /GROUP:\s+apps/);
    assert.match(rec, /revisionHistoryLimit\s+<integer>/);
    const raw = JSON.parse(await ok(['get', '--raw', '/openapi/v3']));
    assert.ok(raw.paths['apis/apps/v1'].serverRelativeURL.startsWith('/openapi/v3/apis/apps/v1?hash='));
  });

  it('watches with get -w', async () => {
    const w = k(['-n', 'demo', 'get', 'cm', '-w', '--request-timeout=3s', '-o', 'name'], { timeoutMs: 15_000 });
    await new Promise((r) => setTimeout(r, 800));
    await ok(['-n', 'demo', 'create', 'configmap', 'late', '--from-literal=x=1']);
    const r = await w;
    assert.match(r.stdout, /configmap\/late/);
  });

  it('deletes with grace periods and reports errors like upstream', async () => {
    await ok(['-n', 'demo', 'delete', 'cm', 'late', '--grace-period=0', '--force']);
    const nf = await k(['-n', 'demo', 'delete', 'cm', 'late']);
    assert.notEqual(nf.code, 0);
    assert.match(nf.stderr, /Error from server \(NotFound\): configmaps "late" not found/);
    const missingNs = await k(['-n', 'nowhere', 'create', 'configmap', 'x']);
    assert.match(missingNs.stderr, /namespaces "nowhere" not found/);
  });
});
