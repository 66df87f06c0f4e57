import { formatRomeDateTime, type MailMessage } from '@fatturapa-hub/shared'

interface Recipient {
  to: string
  username: string
  description: string
  kind: 'admin' | 'operator' | 'integration'
}

export interface NewUserCredentialsEmailInput extends Recipient {
  portalUrl: string
  password: string
  createdAt: Date
}

export interface ReactivationEmailInput extends Recipient {
  portalUrl: string
  reactivatedAt: Date
}

export interface ReactivationWithResetEmailInput extends ReactivationEmailInput {
  password: string
  /** The user was not disabled: only the password changed. */
  resetOnly?: boolean
}

const integrationNote =
  "Questo utente serve all'integrazione con il gestionale: non può accedere al portale e la sua password resta quella generata dal sistema."
const firstAccessNote = 'La password è provvisoria: al primo accesso il sistema Le richiederà di cambiarla.'

/** "Creazione Operatore" (seed, section 1.4) with a system password: the credentials of the new user. */
export function newUserCredentialsEmail(input: NewUserCredentialsEmailInput): MailMessage {
  return {
    to: input.to,
    subject: 'Credenziali del nuovo utente di fatturapa-hub',
    text: [
      `Gentile ${input.description},`,
      `il ${formatRomeDateTime(input.createdAt)} (ora italiana) è stato creato il Suo utente sulla piattaforma.`,
      '',
      `Indirizzo per accesso al sistema: ${input.portalUrl}`,
      `Utente: ${input.username}`,
      `Password: ${input.password}`,
      '',
      input.kind === 'integration'
        ? integrationNote
        : "L'utente sarà utilizzabile dopo l'attivazione da parte dell'amministratore dello studio.",
      ...(input.kind === 'integration' ? [] : [firstAccessNote]),
      '',
      'Cordiali saluti.',
    ].join('\n'),
  }
}

/** "Riattiva utente" (seed, section 1.3). The old password is never stored in clear, so it cannot be repeated here. */
export function reactivationEmail(input: ReactivationEmailInput): MailMessage {
  return {
    to: input.to,
    subject: 'Riattivazione utente',
    text: [
      `Gentile ${input.description},`,
      `il ${formatRomeDateTime(input.reactivatedAt)} (ora italiana) l'amministratore ha riattivato il Suo utente ${input.username}.`,
      '',
      `Può accedere di nuovo a ${input.portalUrl} con la password che già utilizzava.`,
      'Se non la ricorda, chieda all’amministratore dello studio una riattivazione con reset della password.',
      '',
      'Cordiali saluti.',
    ].join('\n'),
  }
}

/** "Riattiva con Reset Password" (seed, section 1.3): a temporary password, to change at the first access. */
export function reactivationWithResetEmail(input: ReactivationWithResetEmailInput): MailMessage {
  return {
    to: input.to,
    subject: input.resetOnly ? 'Nuova password utente' : 'Riattivazione utente con nuova password',
    text: [
      `Gentile ${input.description},`,
      input.resetOnly
        ? `il ${formatRomeDateTime(input.reactivatedAt)} (ora italiana) l'amministratore ha assegnato al Suo utente una nuova password.`
        : `il ${formatRomeDateTime(input.reactivatedAt)} (ora italiana) l'amministratore ha riattivato il Suo utente assegnandogli una nuova password.`,
      '',
      `Indirizzo per accesso al sistema: ${input.portalUrl}`,
      `Utente: ${input.username}`,
      `Password: ${input.password}`,
      '',
      input.kind === 'integration' ? integrationNote : firstAccessNote,
      'Le sessioni aperte con la password precedente sono state chiuse.',
      '',
      'Cordiali saluti.',
    ].join('\n'),
  }
}
