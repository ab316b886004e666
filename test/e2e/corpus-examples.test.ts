/**
 * Every manifest of kubernetes/examples (../shared/corpus/kubernetes-examples) through real
 * kubectl: documents whose API group/version 1.32 serves must be accepted by
 * `kubectl apply --dry-run=server` and by a real apply; documents using removed or never
 * built-in APIs (extensions/v1beta1, policy/v1beta1, CRD-backed monitoring.coreos.com/v1,
 * ...) must fail the way they fail against upstream 1.32: kubectl's "no matches for kind"
 * error, with the rest of the file still applied.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { kubectl, kubectlOk, startServerProcess, tempDir, type ServerProcess } from './helpers.js';

const ROOT = ['/work/shared/corpus/kubernetes-examples', join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus', 'kubernetes-examples')].find((p) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
});

interface Doc {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string };
}

function manifests(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...manifests(p));
    else if (/\.ya?ml$/.test(e)) out.push(p);
  }
  return out;
}

function docsOf(file: string): Doc[] | undefined {
  try {
    const docs = parseAllDocuments(readFileSync(file, 'utf8'), { version: '1.1' });
    if (docs.some((d) => d.errors.length)) return undefined;
    return docs.map((d) => d.toJSON() as unknown).filter((d): d is Doc => !!d && typeof d === 'object' && 'kind' in d && 'apiVersion' in d);
  } catch {
    return undefined;
  }
}

/**
 * Archived examples that upstream 1.32 rejects too: kubectl validates strictly by default,
 * and these carry typos or fields their volume types never had (or a string where the API
 * wants an int32). They must fail with the same error.
 */
const INVALID_UPSTREAM: Record<string, RegExp> = {
  '_archived/volumes/fibre_channel/fc.yaml': /Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field FCVolumeSource\.spec\.volumes\.fc\.lun of type int32/,
  '_archived/volumes/rbd/rbd.yaml': /strict decoding error: unknown field "spec\.volumes\[0\]\.rbd\.imagefeatures", unknown field "spec\.volumes\[0\]\.rbd\.imageformat"/,
  '_archived/volumes/scaleio/pod.yaml': /strict decoding error: unknown field "spec\.volumes\[0\]\.scaleIO\.protectionDoamin"/,
  '_archived/volumes/storageos/storageos-pod.yaml': /strict decoding error: unknown field "spec\.volumes\[0\]\.storageos\.pool"/,
  '_archived/volumes/storageos/storageos-pv.yaml': /strict decoding error: unknown field "spec\.storageos\.secretName"/,
  // Lower-case protocols, and an RC with neither selector nor template labels: 422 upstream too.
  '_archived/volumes/aws_ebs/aws-ebs-web.yaml': /spec\.containers\[0\]\.ports\[0\]\.protocol: Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"/,
  '_archived/volumes/cinder/cinder-web.yaml': /spec\.containers\[0\]\.ports\[0\]\.protocol: Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"/,
  '_archived/sysdig-cloud/sysdig-rc.yaml': /The ReplicationController "sysdig-agent" is invalid: spec\.selector: Required value/,
};

describe('kubernetes/examples manifests with kubectl apply', { skip: ROOT ? false : 'corpus missing' }, () => {
  let srv: ServerProcess;
  let dir: ReturnType<typeof tempDir>;
  let kc: string;
  let served: Set<string>;
  const k = (args: string[]) => kubectl(kc, args);

  before(async () => {
    dir = tempDir();
    srv = await startServerProcess(['--data-dir', dir.path, '--port', '0', '--disable-agent']);
    kc = srv.kubeconfig;
    served = new Set((await kubectlOk(kc, ['api-versions'])).trim().split('\n'));
  });
  after(async () => {
    await srv.stop();
    dir.remove();
  });

  it('accepts every document of a served API version and rejects the others as upstream (dry-run, then for real)', async () => {
    // Templates ({{ }} placeholders for a generator script) are not manifests: kubectl cannot parse them.
    const files = manifests(ROOT!).filter((f) => {
      if (readFileSync(f, 'utf8').includes('{{')) return false;
      const docs = docsOf(f);
      return docs !== undefined && docs.length > 0;
    });
    assert.ok(files.length > 150, `only ${files.length} manifests found`);
    const namespaces = new Set<string>();
    for (const f of files) for (const d of docsOf(f)!) if (d.metadata?.namespace && d.kind !== 'Namespace') namespaces.add(d.metadata.namespace);
    for (const ns of namespaces) await k(['create', 'namespace', ns]);
    const failures: string[] = [];
    let accepted = 0;
    let rejected = 0;
    for (const [i, f] of files.entries()) {
      const docs = docsOf(f)!;
      // Documents that name their namespace are applied there; the others go to one per file.
      const ns = docs.some((d) => d.metadata?.namespace) ? '' : `ex-${i}`;
      if (ns) await kubectlOk(kc, ['create', 'namespace', ns]);
      const nsArgs = ns ? ['-n', ns] : [];
      const unserved = docs.filter((d) => !served.has(d.apiVersion));
      for (const mode of [['--dry-run=server'], []]) {
        const res = await k(['apply', ...mode, ...nsArgs, '-f', f]);
        const rel = relative(ROOT!, f);
        const name = `${rel}${mode.length ? ' (dry-run)' : ''}`;
        const invalid = INVALID_UPSTREAM[rel];
        if (invalid) {
          if (res.code === 0 || !invalid.test(res.stderr)) failures.push(`${name}: expected upstream's rejection ${invalid}, got: ${res.stderr.trim()}`);
          else rejected++;
          continue;
        }
        if (unserved.length === 0) {
          if (res.code !== 0) failures.push(`${name}: ${res.stderr.trim()}`);
          else accepted++;
          continue;
        }
        if (res.code === 0) {
          failures.push(`${name}: expected a failure for ${unserved.map((d) => d.apiVersion).join(', ')}`);
          continue;
        }
        rejected++;
        for (const d of unserved) {
          const expected = `no matches for kind "${d.kind}" in version "${d.apiVersion}"`;
          if (!res.stderr.includes(expected)) failures.push(`${name}: missing ${JSON.stringify(expected)} in ${res.stderr.trim()}`);
        }
        const servedDocs = docs.length - unserved.length;
        const appliedLines = res.stdout.trim() ? res.stdout.trim().split('\n').length : 0;
        if (appliedLines !== servedDocs) failures.push(`${name}: ${appliedLines} of ${servedDocs} served documents applied: ${res.stdout}${res.stderr}`);
      }
      // Cluster-scoped objects recur across examples under the same names; start each file afresh
      // (namespaces stay: other files of the same example use them).
      if (!docs.some((d) => d.kind === 'Namespace')) {
        await k(['delete', ...nsArgs, '-f', f, '--wait=false', '--ignore-not-found']);
        // Upstream's pv-protection and pvc-protection controllers drop the protection finalizer
        // of unused volumes and claims at once; k8ts has none, so the test does it (otherwise
        // the next example's volume of the same name would update the terminating one).
        for (const d of docs) {
          if (!d.metadata?.name || (d.kind !== 'PersistentVolume' && d.kind !== 'PersistentVolumeClaim')) continue;
          const target = d.kind === 'PersistentVolume' ? ['pv', d.metadata.name] : ['pvc', d.metadata.name, ...(d.metadata.namespace ? ['-n', d.metadata.namespace] : nsArgs)];
          await k(['patch', ...target, '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
        }
      }
    }
    assert.deepEqual(failures, []);
    assert.ok(accepted > 300 && rejected > 10, `accepted ${accepted}, rejected ${rejected}`);
  });
});
