/**
 * Printers of admissionregistration, flowcontrol and apiregistration kinds, mirroring
 * kube-apiserver 1.32's (and, for APIService, kube-aggregator's) tables.
 */

import type { KubeObject } from '../../apimachinery/types.js';
import { ageColumn, ageOf, column, count, int, isSet, nameColumn, nameOf, rec, recs, str } from './columns.js';
import { labelSelectorGoString } from './selectors.js';
import type { Printer, TableCell } from './types.js';

function webhookConfigurationPrinter(): Printer {
  return {
    columns: [nameColumn, column('Webhooks', 'integer', 'Number of webhooks in the configuration.'), ageColumn],
    row: (obj, ctx) => ({ cells: [nameOf(obj), count(obj.webhooks), ageOf(obj, ctx.now)] }),
  };
}

export const mutatingWebhookConfigurationPrinter = webhookConfigurationPrinter();
export const validatingWebhookConfigurationPrinter = webhookConfigurationPrinter();

export const validatingAdmissionPolicyPrinter: Printer = {
  columns: [
    nameColumn,
    column('Validations', 'integer', 'Number of validation expressions.'),
    column('ParamKind', 'string', 'Kind of the parameter resources, as apiVersion/Kind.'),
    ageColumn,
  ],
  row(obj, ctx) {
    const spec = rec(obj.spec);
    const paramKind = isSet(spec.paramKind) ? `${str(rec(spec.paramKind).apiVersion)}/${str(rec(spec.paramKind).kind)}` : '<unset>';
    return { cells: [nameOf(obj), count(spec.validations), paramKind, ageOf(obj, ctx.now)] };
  },
};

export const validatingAdmissionPolicyBindingPrinter: Printer = {
  columns: [
    nameColumn,
    column('PolicyName', 'string', 'The policy the binding applies.'),
    column('ParamRef', 'string', 'The parameter resource(s) the binding configures the policy with.'),
    ageColumn,
  ],
  row(obj, ctx) {
    const spec = rec(obj.spec);
    let param = '<unset>';
    if (isSet(spec.paramRef)) {
      const ref = rec(spec.paramRef);
      if (str(ref.name) !== '') {
        // A reference without a namespace may point anywhere, shown as `*/name`.
        param = str(ref.namespace) !== '' ? `${str(ref.namespace)}/${str(ref.name)}` : `*/${str(ref.name)}`;
      } else if (isSet(ref.selector)) {
        param = labelSelectorGoString(ref.selector);
      }
    }
    return { cells: [nameOf(obj), str(spec.policyName), param, ageOf(obj, ctx.now)] };
  },
};

export const flowSchemaPrinter: Printer = {
  columns: [
    nameColumn,
    column('PriorityLevel', 'string', 'The priority level requests of the schema go to.'),
    column('MatchingPrecedence', 'string', 'Order of matching; lower matches first.'),
    column('DistinguisherMethod', 'string', 'How requests are split into flows.'),
    ageColumn,
    column('MissingPL', 'string', 'Whether the priority level referenced does not exist.'),
  ],
  row(obj, ctx) {
    const spec = rec(obj.spec);
    const dangling = recs(rec(obj.status).conditions).find((c) => c.type === 'Dangling');
    return {
      cells: [
        nameOf(obj),
        str(rec(spec.priorityLevelConfiguration).name),
        int(spec.matchingPrecedence),
        isSet(spec.distinguisherMethod) ? str(rec(spec.distinguisherMethod).type) : '<none>',
        ageOf(obj, ctx.now),
        dangling === undefined ? '?' : str(dangling.status),
      ],
    };
  },
  // As upstream's list printer: by matching precedence, then by name.
  compare(a: KubeObject, b: KubeObject) {
    const pa = int(rec(a.spec).matchingPrecedence);
    const pb = int(rec(b.spec).matchingPrecedence);
    if (pa !== pb) return pa - pb;
    const na = nameOf(a);
    const nb = nameOf(b);
    return na < nb ? -1 : na > nb ? 1 : 0;
  },
};

export const priorityLevelConfigurationPrinter: Printer = {
  columns: [
    nameColumn,
    column('Type', 'string', 'Limited or Exempt.'),
    column('NominalConcurrencyShares', 'string', 'Share of the server\'s concurrency limit.'),
    column('Queues', 'string', 'Number of queues.'),
    column('HandSize', 'string', 'Queues each flow is shuffle-sharded over.'),
    column('QueueLengthLimit', 'string', 'Requests each queue may hold.'),
    ageColumn,
  ],
  row(obj, ctx) {
    const spec = rec(obj.spec);
    let shares: TableCell = '<none>';
    let queues: TableCell = '<none>';
    let handSize: TableCell = '<none>';
    let queueLengthLimit: TableCell = '<none>';
    if (isSet(spec.limited)) {
      const limited = rec(spec.limited);
      shares = int(limited.nominalConcurrencyShares);
      const queuing = rec(limited.limitResponse).queuing;
      if (isSet(queuing)) {
        queues = int(rec(queuing).queues);
        handSize = int(rec(queuing).handSize);
        queueLengthLimit = int(rec(queuing).queueLengthLimit);
      }
    }
    return { cells: [nameOf(obj), str(spec.type), shares, queues, handSize, queueLengthLimit, ageOf(obj, ctx.now)] };
  },
};

export const apiServicePrinter: Printer = {
  columns: [
    nameColumn,
    column('Service', 'string', 'The service serving the API, or Local.'),
    column('Available', 'string', 'Whether the API is available, with the reason when not.'),
    ageColumn,
  ],
  row(obj, ctx) {
    const spec = rec(obj.spec);
    const service = isSet(spec.service) ? `${str(rec(spec.service).namespace)}/${str(rec(spec.service).name)}` : 'Local';
    let available = 'Unknown';
    const condition = recs(rec(obj.status).conditions).find((c) => c.type === 'Available');
    if (condition !== undefined) {
      const status = str(condition.status);
      available = status !== 'True' && str(condition.reason) !== '' ? `${status} (${str(condition.reason)})` : status;
    }
    return { cells: [nameOf(obj), service, available, ageOf(obj, ctx.now)] };
  },
  // kube-aggregator's convertor always sends its columns.
  alwaysHeaders: true,
};
