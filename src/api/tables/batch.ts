/**
 * Printers of the batch/v1 kinds, mirroring kube-apiserver 1.32's built-in printers.
 */

import {
  ageColumn,
  ageOf,
  boolPointer,
  column,
  conditionTrue,
  containerCells,
  containersColumn,
  count,
  imagesColumn,
  int,
  isDeleting,
  isSet,
  nameColumn,
  nameOf,
  rec,
  selectorColumn,
  str,
  templateContainers,
} from './columns.js';
import { humanDuration, parseTime, translateTimestampSince } from './duration.js';
import { formatLabelSelector } from './selectors.js';
import type { Printer, PrintedRow } from './types.js';

/** Complete, Failed, Terminating, Suspended, FailureTarget or Running, first match wins. */
function jobStatus(obj: Parameters<Printer['row']>[0]): string {
  const conditions = rec(obj.status).conditions;
  if (conditionTrue(conditions, 'Complete')) return 'Complete';
  if (conditionTrue(conditions, 'Failed')) return 'Failed';
  if (isDeleting(obj)) return 'Terminating';
  if (conditionTrue(conditions, 'Suspended')) return 'Suspended';
  // 1.32 has no SuccessCriteriaMet state here (added upstream in 1.34).
  if (conditionTrue(conditions, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

export const jobPrinter: Printer = {
  columns: [
    nameColumn,
    column('Status', 'string', 'Summary of the job\'s conditions.'),
    column('Completions', 'string', 'Succeeded pods out of the completions wanted.'),
    column('Duration', 'string', 'How long the job ran, or has been running.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn('Label selector of the job\'s pods.'),
  ],
  row(obj, ctx) {
    const spec = rec(obj.spec);
    const status = rec(obj.status);
    const succeeded = int(status.succeeded);
    let completions: string;
    if (isSet(spec.completions)) {
      completions = `${succeeded}/${int(spec.completions)}`;
    } else {
      const parallelism = int(spec.parallelism);
      completions = parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
    }
    let duration = '';
    const start = parseTime(status.startTime);
    if (isSet(status.startTime)) {
      const end = isSet(status.completionTime) ? parseTime(status.completionTime) : null;
      if (end === null) duration = translateTimestampSince(status.startTime, ctx.now);
      else duration = humanDuration(end - (start ?? end));
    }
    const cells: PrintedRow['cells'] = [nameOf(obj), jobStatus(obj), completions, duration, ageOf(obj, ctx.now)];
    if (ctx.wide) {
      const [names, images] = containerCells(templateContainers(spec));
      cells.push(names, images, formatLabelSelector(spec.selector));
    }
    return { cells };
  },
};

export const cronJobPrinter: Printer = {
  columns: [
    nameColumn,
    column('Schedule', 'string', 'Cron schedule of the job runs.'),
    column('Timezone', 'string', 'Time zone the schedule is read in.'),
    column('Suspend', 'boolean', 'Whether new runs are suspended.'),
    column('Active', 'integer', 'Number of jobs currently running.'),
    column('Last Schedule', 'string', 'Time since a job was last scheduled.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn('Label selector of the jobs\' pods.'),
  ],
  row(obj, ctx) {
    const spec = rec(obj.spec);
    const status = rec(obj.status);
    const lastSchedule = isSet(status.lastScheduleTime) ? translateTimestampSince(status.lastScheduleTime, ctx.now) : '<none>';
    const cells: PrintedRow['cells'] = [
      nameOf(obj),
      str(spec.schedule),
      isSet(spec.timeZone) ? str(spec.timeZone) : '<none>',
      boolPointer(spec.suspend),
      count(status.active),
      lastSchedule,
      ageOf(obj, ctx.now),
    ];
    if (ctx.wide) {
      const jobSpec = rec(rec(spec.jobTemplate).spec);
      const [names, images] = containerCells(templateContainers(jobSpec));
      cells.push(names, images, formatLabelSelector(jobSpec.selector));
    }
    return { cells };
  },
};
