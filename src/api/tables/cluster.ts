/**
 * Printers of policy, rbac, certificates, coordination, scheduling and node kinds,
 * mirroring kube-apiserver 1.32's built-in printers.
 */

import { ageColumn, ageOf, column, int, isSet, nameColumn, nameOf, rec, recs, str } from './columns.js';
import { humanDuration } from './duration.js';
import type { Printer, PrintedRow } from './types.js';

/** An IntOrString as upstream prints it. */
const intOrString = (v: unknown): string => (typeof v === 'string' ? v : String(int(v)));

export const podDisruptionBudgetPrinter: Printer = {
  columns: [
    nameColumn,
    column('Min Available', 'string', 'Pods that must stay available, as a number or percentage.'),
    column('Max Unavailable', 'string', 'Pods that may be unavailable, as a number or percentage.'),
    column('Allowed Disruptions', 'integer', 'Evictions currently allowed.'),
    ageColumn,
  ],
  row(obj, ctx) {
    const spec = rec(obj.spec);
    return {
      cells: [
        nameOf(obj),
        isSet(spec.minAvailable) ? intOrString(spec.minAvailable) : 'N/A',
        isSet(spec.maxUnavailable) ? intOrString(spec.maxUnavailable) : 'N/A',
        int(rec(obj.status).disruptionsAllowed),
        ageOf(obj, ctx.now),
      ],
    };
  },
};

function bindingPrinter(what: string): Printer {
  return {
    columns: [
      nameColumn,
      column('Role', 'string', 'The role granted, as Kind/name.'),
      ageColumn,
      column('Users', 'string', `Users the ${what} grants the role to.`, { priority: 1 }),
      column('Groups', 'string', `Groups the ${what} grants the role to.`, { priority: 1 }),
      column('ServiceAccounts', 'string', `Service accounts the ${what} grants the role to.`, { priority: 1 }),
    ],
    row(obj, ctx) {
      const roleRef = rec(obj.roleRef);
      const cells: PrintedRow['cells'] = [nameOf(obj), `${str(roleRef.kind)}/${str(roleRef.name)}`, ageOf(obj, ctx.now)];
      if (ctx.wide) {
        const users: string[] = [];
        const groups: string[] = [];
        const serviceAccounts: string[] = [];
        for (const s of recs(obj.subjects)) {
          if (s.kind === 'ServiceAccount') serviceAccounts.push(`${str(s.namespace)}/${str(s.name)}`);
          else if (s.kind === 'User') users.push(str(s.name));
          else if (s.kind === 'Group') groups.push(str(s.name));
        }
        cells.push(users.join(', '), groups.join(', '), serviceAccounts.join(', '));
      }
      return { cells };
    },
  };
}

export const roleBindingPrinter = bindingPrinter('binding');
export const clusterRoleBindingPrinter = bindingPrinter('cluster binding');

/** Denied, Approved or Pending, then `,Failed` and `,Issued` as they apply. */
function csrCondition(status: Record<string, unknown>): string {
  const types = new Set(recs(status.conditions).map((c) => c.type));
  let out = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
  if (types.has('Failed')) out += ',Failed';
  if (str(status.certificate) !== '') out += ',Issued';
  return out;
}

export const certificateSigningRequestPrinter: Printer = {
  columns: [
    nameColumn,
    ageColumn,
    column('SignerName', 'string', 'The signer asked to sign the certificate.'),
    column('Requestor', 'string', 'The user who created the request.'),
    column('RequestedDuration', 'string', 'The validity period asked for.'),
    column('Condition', 'string', 'Approval state of the request.'),
  ],
  row(obj, ctx) {
    const spec = rec(obj.spec);
    return {
      cells: [
        nameOf(obj),
        ageOf(obj, ctx.now),
        str(spec.signerName) || '<none>',
        str(spec.username),
        isSet(spec.expirationSeconds) ? humanDuration(int(spec.expirationSeconds) * 1000) : '<none>',
        csrCondition(rec(obj.status)),
      ],
    };
  },
};

export const leasePrinter: Printer = {
  columns: [nameColumn, column('Holder', 'string', 'Identity of the current holder.'), ageColumn],
  row: (obj, ctx) => ({ cells: [nameOf(obj), str(rec(obj.spec).holderIdentity), ageOf(obj, ctx.now)] }),
};

export const priorityClassPrinter: Printer = {
  columns: [
    nameColumn,
    column('Value', 'integer', 'Priority of pods using the class.'),
    column('Global-Default', 'boolean', 'Whether pods without a class get this one.'),
    ageColumn,
    column('PreemptionPolicy', 'string', 'Whether pods of the class may preempt others.'),
  ],
  row(obj, ctx) {
    const cells: PrintedRow['cells'] = [nameOf(obj), int(obj.value), obj.globalDefault === true, ageOf(obj, ctx.now)];
    if (ctx.wide) cells.push(str(obj.preemptionPolicy));
    return { cells };
  },
};

export const runtimeClassPrinter: Printer = {
  columns: [nameColumn, column('Handler', 'string', 'The CRI handler running pods of the class.'), ageColumn],
  row: (obj, ctx) => ({ cells: [nameOf(obj), str(obj.handler), ageOf(obj, ctx.now)] }),
};
