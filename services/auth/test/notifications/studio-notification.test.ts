// Real: PostgreSQL, Redis (the platform.studio-notifications queue and a worker consuming it), the auth mailer over
// SMTP to a real test SMTP server. Users are set up directly in the database.
import { randomUUID } from 'node:crypto'
import { createLogger, createMailer, ProcessedJob, Queues } from '@fatturapa-hub/shared'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { Queue } from 'bullmq'
import { startStudioNotificationWorker } from '../../src/notifications/studio-notification.job.js'
import { User } from '../../src/users/user.entity.js'
import { type AuthTest, startAuthTest } from '../support/auth-test.js'

describe('studio.notification', () => {
  let auth: AuthTest
  let stop: () => Promise<void>
  const classCode = 'amministratori-fattura-elettronica'

  beforeAll(async () => {
    auth = await startAuthTest()
    const logger = createLogger({ name: 'auth-notifications-test', level: 'silent' })
    const mailer = createMailer(auth.service.config, logger)
    const worker = startStudioNotificationWorker({
      config: auth.service.config,
      orm: auth.service.orm,
      logger,
      producer: auth.service.producer,
      mailer,
    })
    stop = async () => {
      await worker.close()
      mailer.close()
    }
  })
  afterAll(async () => {
    await stop?.()
    await auth?.close()
  })

  it('mails the enabled users of the class of the studio only, once each', async () => {
    const mine = await auth.provision('ntfa', { email: 'studio@ntfa.example' })
    const other = await auth.provision('ntfb', { email: 'studio@ntfb.example' })
    const em = auth.service.orm.em.fork()
    const set = async (id: string, values: Partial<User>) => {
      const user = await em.findOneOrFail(User, { id })
      em.assign(user, values)
    }
    await set(mine.users.operator.id, { active: true, email: 'enabled@ntfa.example', classes: [classCode] })
    await set(mine.users.integration.id, { active: true, email: 'noclass@ntfa.example', classes: ['operatori-fatture-attive'] })
    await set(mine.users.admin.id, {
      email: 'disabled@ntfa.example',
      classes: [],
      disabledAt: new Date(),
      disabledReason: 'administrator',
    })
    await set(other.users.operator.id, { active: true, email: 'otherstudio@ntfb.example', classes: [classCode] })
    await em.flush()
    // A second member of the class that is disabled.
    await em.nativeUpdate(User, { id: mine.users.admin.id }, { classes: [classCode] })

    const notificationId = randomUUID()
    const publish = (text: string, resource?: { type: string; id: string }) =>
      auth.service.producer.enqueue('studio.notification', {
        v: 1,
        notificationId,
        studioId: mine.studio.id,
        userClass: classCode,
        subject: `Fattura SCARTATA ${notificationId}`,
        text,
        ...(resource ? { resource } : {}),
      })
    const jobId = await publish('La fattura 123 è stata scartata da SDI (00404).', { type: 'invoice', id: randomUUID() })
    const mail = await auth.smtp.waitFor((item) => item.subject === `Fattura SCARTATA ${notificationId}`, 15_000)
    expect(mail.to).toEqual(['enabled@ntfa.example'])
    expect(mail.text).toContain('scartata da SDI')
    // The job id dedupes a second publication of the same notification.
    await publish('again')
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const matching = () => auth.smtp.received.filter((item) => item.subject === `Fattura SCARTATA ${notificationId}`)
    expect(matching()).toHaveLength(1)

    // Once BullMQ has forgotten the completed job (kept a day), the processed_job row still dedupes it.
    expect(await em.fork().count(ProcessedJob, { jobId })).toBe(1)
    const queue = new Queue(Queues.StudioNotifications, {
      connection: { url: auth.service.config.REDIS_URL },
      prefix: auth.service.config.REDIS_PREFIX,
    })
    try {
      await (await queue.getJob(jobId))?.remove()
      expect(await queue.getJob(jobId)).toBeUndefined()
      await publish('once more')
      for (let waited = 0; waited < 15_000; waited += 100) {
        if ((await queue.getJob(jobId))?.finishedOn) break
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      expect((await queue.getJob(jobId))?.finishedOn).toBeDefined()
      expect(matching()).toHaveLength(1)
    } finally {
      await queue.close()
    }
  })
})
