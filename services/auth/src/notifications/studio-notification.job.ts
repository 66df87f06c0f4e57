import {
  type JobHandler,
  type JobProducer,
  type Mailer,
  mailerFor,
  publishAudit,
  Queues,
  type RunningWorker,
  startWorker,
  userClasses,
  type WorkerContext,
} from '@fatturapa-hub/shared'
import type { Config } from '../config.js'
import { userExpiredOn } from '../sessions/account-status.js'
import { User } from '../users/user.entity.js'

interface NotificationProgress {
  /** Users already e-mailed by an earlier attempt of the job: a retry does not mail them again. */
  mailed?: string[]
}

/**
 * `studio.notification`: e-mails every enabled user of the class in the studio who has an e-mail address, one
 * message each (recipients do not see each other). The users already mailed are recorded on the job after each
 * message, so a retry after a partial send mails only the others; the job then records one audit event.
 */
export function createStudioNotificationJob(mailer: Mailer, producer: JobProducer): JobHandler<'studio.notification'> {
  return async (data, { em, log, job }) => {
    const userClass = userClasses.find((item) => item.code === data.userClass)
    if (userClass === undefined) {
      log.warn({ userClass: data.userClass, notificationId: data.notificationId }, 'notification for an unknown user class: nobody mailed')
      return
    }
    const now = new Date()
    const users = await em.find(
      User,
      { studioId: data.studioId, active: true, disabledAt: null, email: { $ne: null } },
      { orderBy: { id: 'asc' } },
    )
    const recipients = users.filter((user) => user.classes.includes(userClass.code) && !userExpiredOn(user, now))
    const mailed = new Set(((job.progress ?? {}) as NotificationProgress).mailed ?? [])
    for (const user of recipients) {
      if (mailed.has(user.id)) continue
      await mailer.send({ to: user.email as string, subject: data.subject, text: data.text })
      mailed.add(user.id)
      await job.updateProgress({ mailed: [...mailed] } satisfies NotificationProgress)
    }
    log.info(
      { notificationId: data.notificationId, userClass: userClass.code, recipients: recipients.length },
      'studio notification mailed',
    )
    await publishAudit(producer, {
      eventId: `notification-${data.notificationId}`,
      occurredAt: now,
      service: 'auth',
      action: 'notification.email',
      outcome: 'success',
      studioId: data.studioId,
      actor: { kind: 'system' },
      ...(data.resource ? { resource: data.resource } : {}),
      ...(data.requestId ? { requestId: data.requestId } : {}),
      details: {
        notificationId: data.notificationId,
        userClass: userClass.code,
        subject: data.subject,
        recipients: recipients.map((user) => user.id),
      },
    })
  }
}

/** The consumer of platform.studio-notifications (auth's worker role). */
export function startStudioNotificationWorker(context: WorkerContext<Config>): RunningWorker {
  // The worker role passes its mailer; callers that start the workers themselves (tests) get one from the config.
  const mailer = context.mailer ?? mailerFor(context.config, context.logger)
  if (mailer === undefined) throw new Error('the auth worker needs its mailer (MAIL_DIR or SMTP_URL) for studio notifications')
  return startWorker({
    queue: Queues.StudioNotifications,
    handlers: { 'studio.notification': createStudioNotificationJob(mailer, context.producer) },
    redisUrl: context.config.REDIS_URL,
    prefix: context.config.REDIS_PREFIX,
    orm: context.orm,
    logger: context.logger,
    concurrency: 2,
    // The job only reads users and talks to the SMTP server: a transaction would hold the database (on SQLite the
    // whole file, against the HTTP process's sign-ins) for as long as the mail takes. A retried job mails nobody
    // twice (the recipients done are in the job's progress), a job id published again is skipped once recorded.
    transactional: false,
    recordProcessed: true,
  })
}
