import type { Schedule } from './cron.js';

/** How many missed start times a CronJob may have before the controller warns (upstream's 100). */
export const MANY_MISSED = 100;

export const Missed = { None: 'none', Few: 'few', Many: 'many' } as const;
export type Missed = (typeof Missed)[keyof typeof Missed];

export interface ScheduleTimesInput {
  /** creationTimestamp of the CronJob (ms). */
  created: number;
  /** status.lastScheduleTime (ms), if set. */
  lastScheduleTime?: number;
  startingDeadlineSeconds?: number;
}

export interface MostRecent {
  /** Where the search started: the last schedule time, creation time, or the starting deadline. */
  earliest: number;
  /** The most recent activation at or before now, if any. */
  mostRecent?: number;
  missed: Missed;
}

/**
 * The most recent activation at or before `now` that is due since the last one (upstream's
 * mostRecentScheduleTime): the search starts at the last schedule time (or creation), or at
 * now - startingDeadlineSeconds when later and `includeDeadline`. Counts roughly how many
 * were missed; a schedule whose activations are less than a second apart is an error
 * ("time difference between two schedules is less than 1 second").
 */
export function mostRecentScheduleTime(input: ScheduleTimesInput, now: number, schedule: Schedule, includeDeadline: boolean): MostRecent {
  let earliest = input.lastScheduleTime ?? input.created;
  if (includeDeadline && input.startingDeadlineSeconds != null) {
    const deadline = now - input.startingDeadlineSeconds * 1000;
    if (deadline > earliest) earliest = deadline;
  }
  const t1 = schedule.next(earliest);
  const t2 = schedule.next(t1);
  if (now < t1) return { earliest, missed: Missed.None };
  if (now < t2) return { earliest, mostRecent: t1, missed: Missed.None };
  const between = Math.round((t2 - t1) / 1000);
  if (between < 1) throw new Error('time difference between two schedules is less than 1 second');
  const elapsed = Math.trunc((now - t1) / 1000);
  const missedCount = Math.trunc(elapsed / between) + 1;
  // Start a little before the estimate and let the schedule find the exact times (for
  // schedules whose activations are not evenly spaced).
  const potentialEarliest = t1 + (missedCount - 2) * between * 1000;
  let mostRecent: number | undefined;
  for (let t = schedule.next(potentialEarliest); t !== 0 && t <= now; t = schedule.next(t)) mostRecent = t;
  const missed = missedCount > MANY_MISSED ? Missed.Many : missedCount > 0 ? Missed.Few : Missed.None;
  return { earliest, mostRecent, missed };
}

/**
 * How long until the controller should look at the CronJob again: the activation after the
 * most recent one (or after `now` when times were missed or the schedule is odd), plus
 * 100 ms against clock skew (upstream's nextScheduleTimeDuration).
 */
export function nextScheduleDelay(input: ScheduleTimesInput, now: number, schedule: Schedule): number {
  let from: number;
  try {
    const r = mostRecentScheduleTime(input, now, schedule, false);
    from = r.mostRecent ?? (r.missed === Missed.None ? r.earliest : now);
  } catch {
    from = now;
  }
  return schedule.next(from) + 100 - now;
}

/** The activation to start now, if any (upstream's nextScheduleTime), and whether too many were missed. */
export function nextScheduleTime(input: ScheduleTimesInput, now: number, schedule: Schedule): { time?: number; tooManyMissed: boolean } {
  const r = mostRecentScheduleTime(input, now, schedule, true);
  if (r.mostRecent === undefined || r.mostRecent > now) return { tooManyMissed: false };
  return { time: r.mostRecent, tooManyMissed: r.missed === Missed.Many };
}

/** `<cronjob>-<minutes since the epoch of the scheduled time>` (upstream's getJobName). */
export function jobNameFor(cronJobName: string, scheduledMs: number): string {
  return `${cronJobName}-${Math.floor(Math.floor(scheduledMs / 1000) / 60)}`;
}
