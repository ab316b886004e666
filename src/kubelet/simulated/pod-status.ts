import type { KubeObject } from '../../apimachinery/types.js';

type Obj = Record<string, unknown>;

/** Annotations that script a simulated pod's containers (kwok-style): exit code and run time. */
export const EXIT_CODE_ANNOTATION = 'k8ts.io/simulated-exit-code';
export const RUN_SECONDS_ANNOTATION = 'k8ts.io/simulated-run-seconds';

export interface NodeInfo {
  name: string;
  internalIP: string;
}

/**
 * The status a kubelet would report for a pod that just started on `node` (simulated: no
 * processes): Running with IPs, every condition True, init containers Completed, app
 * containers running and ready. Pure.
 */
export function runningStatus(pod: KubeObject, node: NodeInfo, podIP: string, now: string): Obj {
  const spec = (pod.spec ?? {}) as Obj;
  const containers = (spec.containers as Obj[] | undefined) ?? [];
  const inits = (spec.initContainers as Obj[] | undefined) ?? [];
  const cid = (c: Obj) => `k8ts-sim://${pod.metadata?.uid ?? ''}-${String(c.name)}`;
  const imageID = (c: Obj) => `${String(c.image)}@sha256:${'0'.repeat(64)}`;
  const cond = (type: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: now });
  const hostNetwork = spec.hostNetwork === true;
  const ip = hostNetwork ? node.internalIP : podIP;
  const prev = (pod.status ?? {}) as Obj;
  return {
    ...prev,
    phase: 'Running',
    conditions: [cond('PodReadyToStartContainers'), cond('Initialized'), cond('Ready'), cond('ContainersReady'), cond('PodScheduled')],
    hostIP: node.internalIP,
    hostIPs: [{ ip: node.internalIP }],
    podIP: ip,
    podIPs: [{ ip }],
    startTime: (prev.startTime as string | undefined) ?? now,
    initContainerStatuses: inits.length
      ? inits.map((c) => ({
          name: c.name,
          image: c.image,
          imageID: imageID(c),
          containerID: cid(c),
          ready: true,
          started: false,
          restartCount: 0,
          state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: now, finishedAt: now, containerID: cid(c) } },
        }))
      : undefined,
    containerStatuses: containers.map((c) => ({
      name: c.name,
      image: c.image,
      imageID: imageID(c),
      containerID: cid(c),
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: now } },
    })),
  };
}

/**
 * The status of a pod whose scripted containers finished with `exitCode` (restartPolicy
 * Never/OnFailure): Succeeded or Failed, containers terminated, Ready False.
 */
export function finishedStatus(pod: KubeObject, exitCode: number, now: string): Obj {
  const st = { ...((pod.status ?? {}) as Obj) };
  const ok = exitCode === 0;
  const conds = ((st.conditions as Obj[] | undefined) ?? []).map((c) =>
    c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: 'False', reason: 'PodCompleted', lastTransitionTime: now } : c,
  );
  st.phase = ok ? 'Succeeded' : 'Failed';
  st.conditions = conds;
  st.containerStatuses = ((st.containerStatuses as Obj[] | undefined) ?? []).map((c) => {
    const running = (c.state as Obj | undefined)?.running as Obj | undefined;
    return {
      ...c,
      ready: false,
      started: false,
      state: { terminated: { exitCode, reason: ok ? 'Completed' : 'Error', startedAt: running?.startedAt ?? now, finishedAt: now, containerID: c.containerID } },
    };
  });
  return st;
}

/** A pod's scripted exit, if its annotations script one and its restartPolicy lets it end. */
export function scriptedExit(pod: KubeObject): { exitCode: number; afterMs: number } | undefined {
  const ann = pod.metadata?.annotations ?? {};
  const code = ann[EXIT_CODE_ANNOTATION];
  if (code === undefined) return undefined;
  const restart = (pod.spec as Obj | undefined)?.restartPolicy ?? 'Always';
  const exitCode = Number(code) || 0;
  if (restart === 'Always' || (restart === 'OnFailure' && exitCode !== 0)) return undefined;
  return { exitCode, afterMs: Math.max(0, Number(ann[RUN_SECONDS_ANNOTATION] ?? '0') * 1000) };
}
