import type { MailMessage } from '@fatturapa-hub/shared'

export interface CredentialsEmailInput {
  portalUrl: string
  to: string
  users: Array<{ role: string; username: string; password: string }>
}

/** The activation e-mail of the seed (section 1.1), in Italian as the studios receive it. */
export function credentialsEmail(input: CredentialsEmailInput): MailMessage {
  const lines = input.users.flatMap((user) => [
    `Utente ${user.role}: ${user.username}`,
    `Password utente ${user.role}: ${user.password}`,
    '',
  ])
  return {
    to: input.to,
    subject: 'Credenziali di accesso a fatturapa-hub',
    text: [
      'Gentile Cliente,',
      'nel ringraziarLa per aver scelto i nostri servizi, di seguito le comunichiamo i parametri di accesso alla piattaforma.',
      '',
      `Indirizzo per accesso al sistema: ${input.portalUrl}`,
      '',
      ...lines,
      "L'utente APIREST serve a configurare l'integrazione con il gestionale: non può accedere al portale e la sua password resta quella generata dal sistema.",
      'Al primo accesso il sistema Le richiederà il cambio password.',
      '',
      'Cordiali saluti.',
    ].join('\n'),
  }
}
