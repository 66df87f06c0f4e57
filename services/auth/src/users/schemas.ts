import { UserKindSchema } from '@fatturapa-hub/shared'
import Type, { type Static } from 'typebox'

const exampleId = '3f0c8a4e-6d1b-4c8e-9a51-2f7d0b9e4c11'
const exampleClientId = '8b7e3c2a-1f4d-4b6a-9c0e-5d2a7f1e3b90'

const Uuid = Type.String({ format: 'uuid' })
const DateTime = Type.String({ format: 'date-time' })
const NullableDateTime = Type.Union([DateTime, Type.Null()])
const CalendarDate = Type.String({ format: 'date', description: 'A calendar day (Europe/Rome), YYYY-MM-DD.' })
const ClassCodes = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
  maxItems: 50,
  description: 'Codes of the linked user classes ("classi utente collegate"), from GET /user-classes.',
})
const Description = Type.String({ minLength: 1, maxLength: 200, description: 'Who the user is, e.g. name and surname.' })
const Email = Type.String({ format: 'email', maxLength: 320 })
const PasswordValidityDays = Type.Integer({ minimum: 0, maximum: 3650, description: '"Giorni validità password"; 0: never expires.' })
const PasswordWarningDays = Type.Integer({
  minimum: 0,
  maximum: 365,
  description: '"Giorni avviso scadenza password": sign-in warns this many days before the password expires.',
})
const MaxDaysWithoutLogin = Type.Integer({
  minimum: 0,
  maximum: 3650,
  description: '"MaxGiorniNonLoggato": the user is disabled after this many days without signing in; 0: never.',
})

export const UserIdParams = Type.Object({ id: Uuid })

export const DisabledReasonSchema = Type.Union([Type.Literal('failed-logins'), Type.Literal('inactivity'), Type.Literal('administrator')])

const userExample = {
  id: exampleId,
  username: 'MROSSI@wt00000',
  description: 'Mario Rossi',
  email: 'mario.rossi@studiorossi.example',
  kind: 'operator',
  clientId: null,
  active: false,
  disabled: false,
  disabledAt: null,
  disabledReason: null,
  disabledIp: null,
  classes: ['operatori-fatture-attive', 'operatori-fatture-ricevute'],
  notifyB2bReceived: true,
  passwordIsSystem: true,
  passwordChangedAt: '2026-07-06T08:30:00.000Z',
  passwordValidityDays: 90,
  passwordWarningDays: 10,
  maxDaysWithoutLogin: 180,
  expiresOn: '2027-12-31',
  failedAttempts: 0,
  lastLoginAt: null,
  lastLoginIp: null,
  reactivatedAt: null,
  createdAt: '2026-07-06T08:30:00.000Z',
  updatedAt: '2026-07-06T08:30:00.000Z',
  version: 1,
}

export const UserSchema = Type.Object(
  {
    id: Uuid,
    username: Type.String({ description: '`<local>@<studio code>`.' }),
    description: Type.String(),
    email: Type.Union([Email, Type.Null()], { description: 'When null, e-mails for the user go to the studio address.' }),
    kind: UserKindSchema,
    clientId: Type.Union([Uuid, Type.Null()], { description: 'Integration users: the client they act for.' }),
    active: Type.Boolean({ description: 'False for a new operator ("Non attivo") until the administrator activates it.' }),
    disabled: Type.Boolean({ description: 'Disabled (wrong passwords, inactivity or by the administrator); see GET /users/disabled.' }),
    disabledAt: NullableDateTime,
    disabledReason: Type.Union([DisabledReasonSchema, Type.Null()]),
    disabledIp: Type.Union([Type.String(), Type.Null()]),
    classes: Type.Array(Type.String()),
    notifyB2bReceived: Type.Boolean({ description: '"Notifica ricezione fatture B2B".' }),
    passwordIsSystem: Type.Boolean({ description: '"Password d\'ufficio": to be changed at the next sign-in.' }),
    passwordChangedAt: DateTime,
    passwordValidityDays: Type.Integer(),
    passwordWarningDays: Type.Integer(),
    maxDaysWithoutLogin: Type.Integer(),
    expiresOn: Type.Union([CalendarDate, Type.Null()], { description: '"Data scadenza utente": last day the user may sign in.' }),
    failedAttempts: Type.Integer(),
    lastLoginAt: NullableDateTime,
    lastLoginIp: Type.Union([Type.String(), Type.Null()]),
    reactivatedAt: NullableDateTime,
    createdAt: DateTime,
    updatedAt: DateTime,
    version: Type.Integer({ description: 'Send it back in PATCH to detect concurrent changes.' }),
  },
  { examples: [userExample] },
)
export type UserView = Static<typeof UserSchema>

export const UserListQuery = Type.Object({
  kind: Type.Optional(UserKindSchema),
  active: Type.Optional(Type.Boolean()),
  disabled: Type.Optional(Type.Boolean()),
  username: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Part of the user name, ignoring case.' })),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
})

export const UserListSchema = Type.Object(
  {
    items: Type.Array(UserSchema),
    total: Type.Integer({ description: 'Users matching the filters, all pages.' }),
    limit: Type.Integer(),
    offset: Type.Integer(),
  },
  { examples: [{ items: [userExample], total: 1, limit: 50, offset: 0 }] },
)

export const DisabledUserSchema = Type.Object({
  id: Uuid,
  username: Type.String({ description: '"Utente".' }),
  description: Type.String({ description: '"Descrizione".' }),
  kind: UserKindSchema,
  lastLoginAt: NullableDateTime,
  expiresOn: Type.Union([CalendarDate, Type.Null()], { description: '"DataScadenza".' }),
  passwordValidityDays: Type.Integer({ description: '"GiorniValiditaPwd".' }),
  maxDaysWithoutLogin: Type.Integer({ description: '"MaxGiorniNonLoggato".' }),
  disabledAt: DateTime,
  disabledReason: DisabledReasonSchema,
  disabledIp: Type.Union([Type.String(), Type.Null()], { description: '"Ip Disattivazione".' }),
})
export type DisabledUserView = Static<typeof DisabledUserSchema>

export const DisabledUserListQuery = Type.Object({
  username: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: '"Ricerca utente": part of the user name.' })),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
})

export const DisabledUserListSchema = Type.Object(
  {
    items: Type.Array(DisabledUserSchema),
    total: Type.Integer(),
    limit: Type.Integer(),
    offset: Type.Integer(),
  },
  {
    examples: [
      {
        items: [
          {
            id: exampleId,
            username: 'MROSSI@wt00000',
            description: 'Mario Rossi',
            kind: 'operator',
            lastLoginAt: '2026-10-04T07:12:00.000Z',
            expiresOn: null,
            passwordValidityDays: 90,
            maxDaysWithoutLogin: 180,
            disabledAt: '2026-11-02T09:41:00.000Z',
            disabledReason: 'failed-logins',
            disabledIp: '203.0.113.40',
          },
        ],
        total: 1,
        limit: 50,
        offset: 0,
      },
    ],
  },
)

export const CreateUserBody = Type.Object(
  {
    username: Type.String({
      minLength: 1,
      maxLength: 50,
      description: 'Local part only (letters, digits, `.`, `_`, `-`): `@<studio code>` is appended.',
    }),
    kind: Type.Union([Type.Literal('operator'), Type.Literal('integration')], {
      description: 'Administrators are created only with the studio.',
    }),
    description: Description,
    email: Type.Optional(Email),
    clientId: Type.Optional(
      Type.String({ format: 'uuid', description: 'Integration users only: a client of the studio with a VAT number.' }),
    ),
    classes: ClassCodes,
    notifyB2bReceived: Type.Optional(Type.Boolean()),
    systemPassword: Type.Optional(
      Type.Boolean({
        description:
          '"Password d\'ufficio" (the default when no password is given): generated and e-mailed to the user, to be changed at first access.',
      }),
    ),
    password: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'A chosen password instead of a system one; checked against the policy.' }),
    ),
    expiresOn: Type.Optional(CalendarDate),
    passwordValidityDays: Type.Optional(PasswordValidityDays),
    passwordWarningDays: Type.Optional(PasswordWarningDays),
    maxDaysWithoutLogin: Type.Optional(MaxDaysWithoutLogin),
  },
  {
    additionalProperties: false,
    examples: [
      {
        username: 'MROSSI',
        kind: 'operator',
        description: 'Mario Rossi',
        email: 'mario.rossi@studiorossi.example',
        classes: ['operatori-fatture-attive', 'operatori-fatture-ricevute'],
        notifyB2bReceived: true,
        systemPassword: true,
        expiresOn: '2027-12-31',
        passwordValidityDays: 90,
        passwordWarningDays: 10,
        maxDaysWithoutLogin: 180,
      },
      {
        username: 'APIREST_ACME',
        kind: 'integration',
        description: 'Integrazione gestionale ACME',
        clientId: exampleClientId,
        classes: ['operatori-fatture-attive'],
      },
    ],
  },
)
export type CreateUserRequest = Static<typeof CreateUserBody>

export const CreatedUserSchema = Type.Object(
  {
    user: UserSchema,
    credentialsEmailSent: Type.Boolean({
      description: 'Whether the e-mail with the system password went out; false also when a chosen password was given.',
    }),
  },
  { examples: [{ user: userExample, credentialsEmailSent: true }] },
)

export const UpdateUserBody = Type.Object(
  {
    description: Type.Optional(Description),
    email: Type.Optional(Type.Union([Email, Type.Null()])),
    classes: Type.Optional(ClassCodes),
    notifyB2bReceived: Type.Optional(Type.Boolean()),
    expiresOn: Type.Optional(Type.Union([CalendarDate, Type.Null()])),
    passwordValidityDays: Type.Optional(PasswordValidityDays),
    passwordWarningDays: Type.Optional(PasswordWarningDays),
    maxDaysWithoutLogin: Type.Optional(MaxDaysWithoutLogin),
    version: Type.Optional(
      Type.Integer({ minimum: 1, description: 'The version last read; 409 VERSION_CONFLICT if the user changed since.' }),
    ),
  },
  {
    additionalProperties: false,
    examples: [{ description: 'Mario Rossi (ufficio paghe)', classes: ['operatori-fatture-ricevute'], expiresOn: null, version: 3 }],
  },
)
export type UpdateUserRequest = Static<typeof UpdateUserBody>

export const ReactivatedUserSchema = Type.Object(
  {
    user: UserSchema,
    emailSent: Type.Boolean({ description: 'False when the e-mail could not be sent; the reactivation stands anyway.' }),
  },
  { examples: [{ user: { ...userExample, active: true, reactivatedAt: '2026-11-03T10:00:00.000Z', version: 4 }, emailSent: true }] },
)

export const UserClassSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  description: Type.String(),
  permissions: Type.Array(Type.String()),
  menu: Type.Array(Type.String(), { description: 'Portal menu entries the class enables.' }),
})

export const UserClassListSchema = Type.Object(
  { items: Type.Array(UserClassSchema) },
  {
    examples: [
      {
        items: [
          {
            code: 'operatori-fatture-ricevute',
            name: 'Operatori Fatture Ricevute',
            description: 'Review, approve and forward incoming supplier invoices.',
            permissions: ['fe-passive.invoices.read', 'fe-passive.invoices.review'],
            menu: ['Fatture Ricevute > Fatture elettroniche ricevute'],
          },
        ],
      },
    ],
  },
)

export const UserPermissionsSchema = Type.Object(
  {
    userId: Uuid,
    kind: UserKindSchema,
    classes: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })),
    permissions: Type.Array(Type.String()),
    menu: Type.Array(Type.String(), { description: '"Anteprima menu classi collegate".' }),
  },
  {
    examples: [
      {
        userId: exampleId,
        kind: 'operator',
        classes: [{ code: 'operatori-fatture-ricevute', name: 'Operatori Fatture Ricevute' }],
        permissions: ['fe-passive.invoices.read', 'fe-passive.invoices.review'],
        menu: ['Fatture Ricevute > Da trasferire', 'Fatture Ricevute > Fatture elettroniche ricevute', 'Fatture Ricevute > Trasferite'],
      },
    ],
  },
)
