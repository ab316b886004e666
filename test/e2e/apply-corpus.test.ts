/**
 * Real-world manifests through real kubectl: the microservices-demo release manifests and
 * podinfo's YAML files are applied, read back and compared with what was applied (the
 * server may add defaults, never lose or change a field), a second apply reports every
 * object unchanged; and `kubectl apply -k` on a kustomization with a namespace,
 * commonLabels, a configMapGenerator and patches works end to end.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { Quantity } from '../../src/apimachinery/index.js';
import { kubectl, kubectlOk, startServerProcess, tempDir, type ServerProcess } from './helpers.js';

const CORPUS = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus');
const corpusRoot = (): string => {
  for (const c of [CORPUS, '/work/shared/corpus']) {
    try {
      if (statSync(c).isDirectory()) return c;
    } catch {
      // try the next location
    }
  }
  throw new Error('the manifest corpus (../shared/corpus) is missing');
};

type Obj = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };

function docs(file: string): Obj[] {
  return parseAllDocuments(readFileSync(file, 'utf8'), { version: '1.1' })
    .map((d) => d.toJSON() as Obj | null)
    .filter((o): o is Obj => !!o && typeof o === 'object' && 'kind' in o);
}

/** Where `applied` has a value that `stored` lacks or changed (quantities compared by value). */
function missing(applied: unknown, stored: unknown, path = ''): string[] {
  if (applied === null || applied === undefined) return [];
  if (Array.isArray(applied)) {
    if (!Array.isArray(stored) || stored.length !== applied.length) return [`${path}: ${JSON.stringify(applied)} vs ${JSON.stringify(stored)}`];
    return applied.flatMap((v, i) => missing(v, stored[i], `${path}[${i}]`));
  }
  if (typeof applied === 'object') {
    if (!stored || typeof stored !== 'object') return [`${path}: missing`];
    return Object.entries(applied).flatMap(([k, v]) => missing(v, (stored as Record<string, unknown>)[k], `${path}.${k}`));
  }
  if (applied === stored || String(applied) === String(stored)) return [];
  try {
    if (Quantity.parse(String(applied)).cmp(Quantity.parse(String(stored))) === 0) return [];
  } catch {
    // not quantities
  }
  return [`${path}: ${JSON.stringify(applied)} vs ${JSON.stringify(stored)}`];
}

function nonCanonicalQuantities(v: unknown, key = ''): boolean {
  if (Array.isArray(v)) return v.some((x) => nonCanonicalQuantities(x));
  if (v && typeof v === 'object') {
    return Object.entries(v).some(([k, x]) =>
      (k === 'limits' || k === 'requests') && x && typeof x === 'object'
        ? Object.values(x).some((q) => {
            try {
              return Quantity.parse(String(q)).toString() !== String(q);
            } catch {
              return false;
            }
          })
        : nonCanonicalQuantities(x, k),
    );
  }
  return key === '\0';
}

describe('real-world manifests with kubectl apply', () => {
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

  async function roundTrip(files: string[], namespace: string): Promise<void> {
    await ok(['create', 'namespace', namespace]);
    const objects = files.flatMap(docs);
    assert.ok(objects.length > 0);
    const first = await k(['apply', '-n', namespace, ...files.flatMap((f) => ['-f', f])]);
    assert.equal(first.code, 0, first.stderr);
    const lines = first.stdout.trim().split('\n');
    assert.equal(lines.length, objects.length, first.stdout);
    for (const l of lines) assert.match(l, / (created|configured)$/);
    for (const o of objects) {
      const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0]! : '';
      const resource = group ? `${o.kind.toLowerCase()}.${group}` : o.kind.toLowerCase();
      const stored = JSON.parse(await ok(['get', resource, o.metadata.name, '-n', namespace, '-o', 'json'])) as Obj;
      const { namespace: _ns, ...meta } = o.metadata;
      const diff = missing({ ...o, metadata: meta }, stored);
      assert.deepEqual(diff, [], `${o.kind}/${o.metadata.name}`);
      assert.ok(stored.metadata.namespace === undefined || stored.metadata.namespace === namespace);
    }
    const rvs = async () => ok(['get', 'all,sa,pvc,hpa,role,rolebinding', '-n', namespace, '-o', 'jsonpath={range .items[*]}{.kind}/{.metadata.name}={.metadata.resourceVersion}{"\\n"}{end}']);
    const before = await rvs();
    const second = await k(['apply', '-n', namespace, ...files.flatMap((f) => ['-f', f])]);
    assert.equal(second.code, 0, second.stderr);
    const secondLines = second.stdout.trim().split('\n');
    assert.equal(secondLines.length, objects.length);
    objects.forEach((o, i) => {
      // As upstream: a quantity written in a non-canonical form ("2000m") is stored canonically
      // ("2"), so kubectl's three-way patch is never empty and it says "configured" — but
      // the server finds nothing to change and writes nothing (resourceVersions below).
      const expected = nonCanonicalQuantities(o) ? 'configured' : 'unchanged';
      assert.ok(secondLines[i]!.endsWith(` ${expected}`), `${secondLines[i]} (expected ${expected})`);
    });
    assert.equal(await rvs(), before, 'a second apply must not write anything');
  }

  it('applies microservices-demo, stores what was applied, and re-applies unchanged', async () => {
    await roundTrip([join(corpusRoot(), 'microservices-demo', 'kubernetes-manifests.yaml')], 'boutique');
  });

  it("applies podinfo's YAML files one by one (kustomizations and cert-manager resources aside)", async () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d)) {
        const p = join(d, e);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.ya?ml$/.test(e)) files.push(p);
      }
    };
    walk(join(corpusRoot(), 'podinfo', 'deploy', 'bases'));
    // kustomization.yaml is kustomize's input, not an API object; the bases' generators name
    // scripts the corpus does not include (see the corpus README).
    const apiFiles = files.filter((f) => !f.endsWith('kustomization.yaml')).sort();
    assert.ok(apiFiles.length >= 20, String(apiFiles.length));
    await roundTrip(apiFiles, 'podinfo');
  });

  it('applies a kustomization with a namespace, commonLabels, a configMapGenerator and patches (apply -k)', async () => {
    const kdir = join(dir.path, 'kustomize');
    mkdirSync(kdir);
    writeFileSync(
      join(kdir, 'kustomization.yaml'),
      `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: kz
commonLabels:
  team: blue
resources:
  - namespace.yaml
  - deployment.yaml
  - service.yaml
configMapGenerator:
  - name: app-config
    literals:
      - MODE=production
      - LEVEL=debug
patches:
  - target:
      kind: Deployment
      name: app
    patch: |-
      - op: replace
        path: /spec/replicas
        value: 3
  - path: resources-patch.yaml
`,
    );
    writeFileSync(join(kdir, 'namespace.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: kz\n');
    writeFileSync(
      join(kdir, 'deployment.yaml'),
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  replicas: 1
  selector:
    matchLabels: {app: app}
  template:
    metadata:
      labels: {app: app}
    spec:
      containers:
      - name: app
        image: busybox:1.36
        envFrom:
        - configMapRef:
            name: app-config
`,
    );
    writeFileSync(
      join(kdir, 'service.yaml'),
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: app\nspec:\n  selector: {app: app}\n  ports:\n  - port: 80\n    targetPort: 8080\n',
    );
    writeFileSync(
      join(kdir, 'resources-patch.yaml'),
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      containers:
      - name: app
        resources:
          limits: {memory: 128Mi}
`,
    );
    const res = await k(['apply', '-k', kdir]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^namespace\/kz created$/m);
    assert.match(res.stdout, /^configmap\/app-config-[a-z0-9]{10} created$/m);
    assert.match(res.stdout, /^service\/app created$/m);
    assert.match(res.stdout, /^deployment\.apps\/app created$/m);
    const cmName = /configmap\/(app-config-[a-z0-9]{10})/.exec(res.stdout)![1]!;
    const dep = JSON.parse(await ok(['get', 'deployment', 'app', '-n', 'kz', '-o', 'json'])) as any;
    assert.equal(dep.spec.replicas, 3);
    assert.equal(dep.metadata.labels.team, 'blue');
    assert.deepEqual(dep.spec.selector.matchLabels, { app: 'app', team: 'blue' });
    assert.equal(dep.spec.template.metadata.labels.team, 'blue');
    assert.equal(dep.spec.template.spec.containers[0].envFrom[0].configMapRef.name, cmName);
    assert.deepEqual(dep.spec.template.spec.containers[0].resources.limits, { memory: '128Mi' });
    const cm = JSON.parse(await ok(['get', 'configmap', cmName, '-n', 'kz', '-o', 'json'])) as any;
    assert.deepEqual(cm.data, { LEVEL: 'debug', MODE: 'production' });
    const svc = JSON.parse(await ok(['get', 'service', 'app', '-n', 'kz', '-o', 'json'])) as any;
    assert.deepEqual(svc.spec.selector, { app: 'app', team: 'blue' });
    const again = await k(['apply', '-k', kdir]);
    assert.equal(again.code, 0, again.stderr);
    for (const l of again.stdout.trim().split('\n')) assert.match(l, / unchanged$/, again.stdout);
    // Server-side too.
    const ssa = await k(['apply', '--server-side', '-k', kdir]);
    assert.equal(ssa.code, 0, ssa.stderr);
    for (const l of ssa.stdout.trim().split('\n')) assert.match(l, / serverside-applied$/);
  });
});
