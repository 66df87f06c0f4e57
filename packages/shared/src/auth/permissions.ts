/**
 * What a user may do. Services check these with `requirePermission`; user classes (the roles of the seed
 * documents) grant them. A permission, once published, keeps its spelling: tokens and stored grants carry it.
 */
export const Permissions = {
  UsersRead: 'studio.users.read',
  UsersManage: 'studio.users.manage',
  UsersReactivate: 'studio.users.reactivate',
  ClientsRead: 'studio.clients.read',
  ClientsManage: 'studio.clients.manage',
  ContractsManage: 'studio.contracts.manage',
  CertificatesManage: 'studio.certificates.manage',
  AuditRead: 'studio.audit.read',
  FeActiveRead: 'fe-active.invoices.read',
  FeActiveSend: 'fe-active.invoices.send',
  FeActiveSettings: 'fe-active.settings.manage',
  FePassiveRead: 'fe-passive.invoices.read',
  FePassiveReview: 'fe-passive.invoices.review',
  FePassiveImport: 'fe-passive.invoices.import',
  FePassiveSettings: 'fe-passive.settings.manage',
  LiquidazioniRead: 'liquidazioni.read',
  LiquidazioniManage: 'liquidazioni.manage',
  ConservazioneDocumentsRead: 'conservazione.documents.read',
  ConservazionePackagesManage: 'conservazione.packages.manage',
  ConservazioneSettings: 'conservazione.settings.manage',
} as const
export type Permission = (typeof Permissions)[keyof typeof Permissions]

export const allPermissions: readonly Permission[] = Object.values(Permissions)

export interface UserClassDefinition {
  /** Stable identifier stored on users. */
  code: string
  /** The name of the seed documents, as operators know it. */
  name: string
  description: string
  permissions: readonly Permission[]
  /** Menu entries of the portal the class enables ("anteprima menu classi collegate"). */
  menu: readonly string[]
}

const P = Permissions

/**
 * The user classes of the seed ("classi utente collegabili"). Products of the seed that this platform does not
 * run (Sempre In Tasca, WebTec Panel, Operatori Studio) are left out.
 */
export const userClasses: readonly UserClassDefinition[] = [
  {
    code: 'amministratori-documentale',
    name: 'Amministratori Documentale',
    description: 'Configure preservation and consult every preserved document.',
    permissions: [P.ConservazioneDocumentsRead, P.ConservazioneSettings],
    menu: ['Documentale > Ricerca documenti', 'Documentale > Parametri conservazione'],
  },
  {
    code: 'amministratori-fattura-elettronica',
    name: 'Amministratori Fattura Elettronica',
    description: 'Configure the e-invoicing service (active and passive) and manage the contracts.',
    permissions: [P.FeActiveRead, P.FeActiveSettings, P.FePassiveRead, P.FePassiveSettings, P.ContractsManage, P.AuditRead],
    menu: [
      'Fatturazione Elettronica > Parametri Generali Servizio Fatturazione Elettronica',
      'Studio > Contratti',
      'Studio > Registro operazioni',
    ],
  },
  {
    code: 'amministratori-gestione-clienti',
    name: 'Amministratori Gestione Clienti',
    description: 'Manage clients, their e-invoicing activation, operators and client certificates.',
    permissions: [P.ClientsRead, P.ClientsManage, P.UsersRead, P.UsersManage, P.UsersReactivate, P.CertificatesManage],
    menu: ['Studio > Gestione clienti', 'Studio > Gestione operatori', 'Studio > Riabilitazione Utenti', 'Studio > Certificati client'],
  },
  {
    code: 'operatori-azienda',
    name: 'Operatori Azienda',
    description: "A client company's own operator: its invoices and its VAT liquidations.",
    permissions: [P.FeActiveRead, P.FePassiveRead, P.LiquidazioniRead],
    menu: ['Azienda > Fatture emesse', 'Azienda > Fatture ricevute', 'Azienda > Liquidazioni IVA'],
  },
  {
    code: 'operatori-conservazione',
    name: 'Operatori Conservazione',
    description: 'Prepare and follow preservation packages.',
    permissions: [P.ConservazioneDocumentsRead, P.ConservazionePackagesManage],
    menu: ['Conservazione > Pacchetti di versamento', 'Conservazione > Pacchetti di distribuzione'],
  },
  {
    code: 'operatori-documentale',
    name: 'Operatori Documentale',
    description: 'Consult and download preserved documents.',
    permissions: [P.ConservazioneDocumentsRead],
    menu: ['Documentale > Ricerca documenti'],
  },
  {
    code: 'operatori-fatture-attive',
    name: 'Operatori Fatture Attive',
    description: 'Send outgoing invoices to SDI and follow their notifications; compute VAT liquidations.',
    permissions: [P.FeActiveRead, P.FeActiveSend, P.LiquidazioniRead, P.LiquidazioniManage],
    menu: ['Fatture Attive > Gestione trasmissione', 'Fatture Attive > Notifiche SDI', 'Liquidazioni IVA > Comunicazioni LIPE'],
  },
  {
    code: 'operatori-fatture-ricevute',
    name: 'Operatori Fatture Ricevute',
    description: 'Review, approve and forward incoming supplier invoices.',
    permissions: [P.FePassiveRead, P.FePassiveReview],
    menu: ['Fatture Ricevute > Fatture elettroniche ricevute', 'Fatture Ricevute > Da trasferire', 'Fatture Ricevute > Trasferite'],
  },
  {
    code: 'operatori-gestione-clienti',
    name: 'Operatori Gestione Clienti',
    description: 'Consult and edit client records.',
    permissions: [P.ClientsRead, P.ClientsManage],
    menu: ['Studio > Gestione clienti'],
  },
  {
    code: 'importazioni-fattura-elettronica',
    name: 'Importazioni Fattura Elettronica',
    description: 'Import invoices manually or in bulk, and recover them from SDI.',
    permissions: [P.FePassiveImport, P.FePassiveRead],
    menu: ['Fatture Ricevute > Recupero manuale', 'Fatture Ricevute > Importazione massiva'],
  },
]

export const userClassCodes: readonly string[] = userClasses.map((userClass) => userClass.code)

/** The classes the seed links to a new operator and to the APIREST integration user by default. */
export const defaultOperatorClasses: readonly string[] = [
  'operatori-fatture-attive',
  'operatori-fatture-ricevute',
  'operatori-gestione-clienti',
  'importazioni-fattura-elettronica',
]
export const defaultIntegrationClasses: readonly string[] = [
  'operatori-fatture-attive',
  'operatori-fatture-ricevute',
  'importazioni-fattura-elettronica',
]

export interface EffectivePermissions {
  permissions: Permission[]
  menu: string[]
}

/** Union of the classes' grants, sorted; the administrator of a studio holds every permission. */
export function effectivePermissions(kind: 'admin' | 'operator' | 'integration', classCodes: readonly string[]): EffectivePermissions {
  const selected = kind === 'admin' ? userClasses : userClasses.filter((userClass) => classCodes.includes(userClass.code))
  const permissions = new Set<Permission>(kind === 'admin' ? allPermissions : [])
  const menu = new Set<string>()
  for (const userClass of selected) {
    for (const permission of userClass.permissions) permissions.add(permission)
    for (const entry of userClass.menu) menu.add(entry)
  }
  return { permissions: [...permissions].sort(), menu: [...menu].sort() }
}
