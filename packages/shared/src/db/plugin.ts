import { RequestContext } from '@mikro-orm/core'
import fp from 'fastify-plugin'
import { type Orm, pingDatabase } from './orm.js'

declare module 'fastify' {
  interface FastifyInstance {
    orm: Orm
  }
}

/** Gives every request its own EntityManager fork (through RequestContext) and closes the ORM last. */
export const databasePlugin = fp<{ orm: Orm }>(
  async (app, { orm }) => {
    app.decorate('orm', orm)
    app.addHook('onRequest', (_request, _reply, done) => {
      RequestContext.create(orm.em, done)
    })
    app.readinessChecks.set('database', () => pingDatabase(orm))
    app.addHook('onClose', async () => {
      await orm.close()
    })
  },
  { name: 'database' },
)
