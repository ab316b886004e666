/**
 * The CronJob controller (kube-controller-manager's "cronjob") and its cron schedule parser.
 */
import type { ControllerFactory } from '../framework/types.js';
import { CronJobController } from './controller.js';

export { CronJobController, CRONJOBS, SCHEDULED_TIMESTAMP_ANNOTATION, type CronJobControllerOptions } from './controller.js';
export { parseStandard, parseGoDuration, CronParseError, type Schedule } from './cron.js';
export { mostRecentScheduleTime, nextScheduleDelay, nextScheduleTime, jobNameFor, Missed, MANY_MISSED, type ScheduleTimesInput, type MostRecent } from './schedule-times.js';
export { dateIn, fieldsOf, offsetAt, rfc3339In, isValidTimeZone, localTimeZone, resolveZone, type LocalFields } from './zone.js';

export const cronJobController: ControllerFactory = (ctx) => new CronJobController(ctx);
