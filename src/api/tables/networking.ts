/**
 * Printers of networking.k8s.io/v1 and discovery.k8s.io/v1 kinds, mirroring
 * kube-apiserver 1.32's built-in printers.
 */

import { ageColumn, ageOf, column, int, isSet, nameColumn, nameOf, rec, recs, str, strs } from './columns.js';
import { loadBalancerIngress } from './core.js';
import { formatLabelSelector } from './selectors.js';
import type { Printer } from './types.js';

/** Up to three names, then ` + N more...`; `<unset>` when there are none. */
function listWithMore(items: string[], max = 3): string {
  const shown = items.slice(0, max).join(',');
  if (items.length > max) return `${shown} + ${items.length - max} more...`;
  return shown === '' ? '<unset>' : shown;
}

/** Rule hosts, at most three; `*` when no rule names a host. */
function ingressHosts(rules: ReturnType<typeof recs>): string {
  const max = 3;
  const hosts: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (hosts.length === max) more = true;
    if (!more && str(rule.host) !== '') hosts.push(str(rule.host));
  }
  if (hosts.length === 0) return '*';
  // Upstream counts the rules, not the hosts, in the remainder.
  return more ? `${hosts.join(',')} + ${rules.length - max} more...` : hosts.join(',');
}

export const ingressPrinter: Printer = {
  columns: [
    nameColumn,
    column('Class', 'string', 'The IngressClass handling the ingress.'),
    column('Hosts', 'string', 'Hosts the rules match requests against.'),
    column('Address', 'string', 'Load balancer ingress points.'),
    column('Ports', 'string', 'Ports served: 80, and 443 with TLS.'),
    ageColumn,
  ],
  row(obj, ctx) {
    const spec = rec(obj.spec);
    return {
      cells: [
        nameOf(obj),
        isSet(spec.ingressClassName) ? str(spec.ingressClassName) : '<none>',
        ingressHosts(recs(spec.rules)),
        loadBalancerIngress(rec(rec(obj.status).loadBalancer), ctx.wide),
        recs(spec.tls).length > 0 ? '80, 443' : '80',
        ageOf(obj, ctx.now),
      ],
    };
  },
};

export const ingressClassPrinter: Printer = {
  columns: [
    nameColumn,
    column('Controller', 'string', 'The controller implementing the class.'),
    column('Parameters', 'string', 'The resource holding extra parameters, as Kind.group/name.'),
    ageColumn,
  ],
  row(obj, ctx) {
    const spec = rec(obj.spec);
    let parameters = '<none>';
    if (isSet(spec.parameters)) {
      const p = rec(spec.parameters);
      parameters = str(p.kind);
      if (isSet(p.apiGroup)) parameters += `.${str(p.apiGroup)}`;
      parameters += `/${str(p.name)}`;
    }
    return { cells: [nameOf(obj), str(spec.controller), parameters, ageOf(obj, ctx.now)] };
  },
};

export const networkPolicyPrinter: Printer = {
  columns: [nameColumn, column('Pod-Selector', 'string', 'Pods the policy applies to.'), ageColumn],
  row: (obj, ctx) => ({
    // The pod selector is a value, never absent: an omitted one selects every pod.
    cells: [nameOf(obj), formatLabelSelector(rec(rec(obj.spec).podSelector)), ageOf(obj, ctx.now)],
  }),
};

export const endpointSlicePrinter: Printer = {
  columns: [
    nameColumn,
    column('AddressType', 'string', 'IPv4, IPv6 or FQDN.'),
    column('Ports', 'string', 'Up to three port numbers (or names).'),
    column('Endpoints', 'string', 'Up to three endpoint addresses.'),
    ageColumn,
  ],
  row(obj, ctx) {
    const ports = recs(obj.ports).map((p) => (isSet(p.port) ? String(int(p.port)) : isSet(p.name) ? str(p.name) : '*'));
    const addresses = recs(obj.endpoints).flatMap((e) => strs(e.addresses));
    return { cells: [nameOf(obj), str(obj.addressType), listWithMore(ports), listWithMore(addresses), ageOf(obj, ctx.now)] };
  },
};
