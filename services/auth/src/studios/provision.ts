import { randomUUID } from 'node:crypto'
import { AppError, defaultIntegrationClasses, defaultOperatorClasses, type Mailer } from '@fatturapa-hub/shared'
import type { EntityManager } from '@mikro-orm/core'
import type { Client } from '../clients/client.entity.js'
import { createClient } from '../clients/create-client.js'
import type { Config } from '../config.js'
import { recordClientChanged } from '../outbox/client-events.js'
import { createUser } from '../users/create-user.js'
import type { User } from '../users/user.entity.js'
import { studioUsername } from '../users/username.js'
import { credentialsEmail } from './credentials-email.js'
import { Studio } from './studio.entity.js'

export interface ProvisionStudioInput {
  code: string
  name: string
  email: string
  /** The subscribing company itself, the studio's first client (codice soggetto 1), whose VAT number the APIREST user acts for. */
  company: {
    denominazione: string
    partitaIva: string
    codiceFiscale?: string | null
    pec?: string | null
    codiceDestinatario?: string | null
  }
}

export interface ProvisionedStudio {
  studio: Studio
  company: Client
  users: { admin: User; operator: User; integration: User }
  /** Plain system passwords, sent in the credentials e-mail; never stored. */
  passwords: { admin: string; operator: string; integration: string }
  mailSent: boolean
}

/**
 * Activation of an instance (seed, section 1.1): the studio, its own company as first client, the administrator
 * `ADM@<code>`, an operator and the APIREST integration user, all with system passwords, then the credentials
 * e-mail. Everything is committed in one transaction before the e-mail goes out.
 */
export async function provisionStudio(
  em: EntityManager,
  config: Config,
  mailer: Mailer,
  input: ProvisionStudioInput,
  now = new Date(),
): Promise<ProvisionedStudio> {
  const code = input.code.trim()
  const created = await em.fork().transactional(async (tx) => {
    if ((await tx.count(Studio, { code })) > 0) throw new AppError('STUDIO_CODE_TAKEN', 409, `A studio with code ${code} already exists`)
    const studio = tx.create(Studio, { id: randomUUID(), code, name: input.name.trim(), email: input.email.trim(), createdAt: now })
    await tx.flush()
    const company = await createClient(tx, studio.id, { codiceSoggetto: '1', ...input.company }, now)
    await recordClientChanged(tx, company, now)
    const base = { studioId: studio.id, active: true, email: studio.email }
    const admin = await createUser(
      tx,
      config,
      { ...base, username: studioUsername('ADM', code), description: 'Amministratore', kind: 'admin', classes: [] },
      now,
    )
    const operator = await createUser(
      tx,
      config,
      { ...base, username: studioUsername('OPERATORE', code), description: 'Operatore', kind: 'operator', classes: defaultOperatorClasses },
      now,
    )
    const integration = await createUser(
      tx,
      config,
      {
        ...base,
        username: studioUsername(`APIREST_${code}`, code),
        description: 'Utente APIREST per l’integrazione con il gestionale',
        kind: 'integration',
        clientId: company.id,
        classes: defaultIntegrationClasses,
      },
      now,
    )
    return { studio, company, admin, operator, integration }
  })
  const passwords = { admin: created.admin.password, operator: created.operator.password, integration: created.integration.password }
  let mailSent = true
  try {
    await mailer.send(
      credentialsEmail({
        portalUrl: config.PORTAL_URL,
        to: created.studio.email,
        users: [
          { role: 'OPERATORE', username: created.operator.user.username, password: passwords.operator },
          { role: 'AMMINISTRATORE', username: created.admin.user.username, password: passwords.admin },
          { role: 'APIREST', username: created.integration.user.username, password: passwords.integration },
        ],
      }),
    )
  } catch {
    // The studio exists; the platform operator resends credentials with a reactivation with reset.
    mailSent = false
  }
  return {
    studio: created.studio,
    company: created.company,
    users: { admin: created.admin.user, operator: created.operator.user, integration: created.integration.user },
    passwords,
    mailSent,
  }
}
