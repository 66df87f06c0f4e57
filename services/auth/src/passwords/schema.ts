import Type, { type Static } from 'typebox'
import { PasswordViolationCodes } from './policy.js'

// Schemas for routes that describe the policy or report violations; `code` is an enum so the OpenAPI
// document lists every stable code clients may receive.
// Spelled out (not mapped from the object) so the static type is the union of the codes, not `never`.
const PasswordViolationCodeSchema = Type.Union(
  [
    Type.Literal(PasswordViolationCodes.TooShort),
    Type.Literal(PasswordViolationCodes.TooFewDigits),
    Type.Literal(PasswordViolationCodes.TooFewLetters),
    Type.Literal(PasswordViolationCodes.SymbolMissing),
    Type.Literal(PasswordViolationCodes.ForbiddenCharacter),
    Type.Literal(PasswordViolationCodes.TooLongWithUsername),
  ],
  { description: 'Stable code of a password rule.' },
)

export const PasswordViolationSchema = Type.Object(
  { code: PasswordViolationCodeSchema, message: Type.String() },
  { additionalProperties: false, description: 'A password rule the submitted password breaks.' },
)
export type PasswordViolationBody = Static<typeof PasswordViolationSchema>

export const PasswordRuleSchema = Type.Object(
  {
    code: PasswordViolationCodeSchema,
    description: Type.String(),
    limit: Type.Optional(Type.Integer({ description: 'The numeric bound of the rule.' })),
    characters: Type.Optional(Type.Array(Type.String(), { description: 'The characters the rule requires or forbids.' })),
  },
  { additionalProperties: false, description: 'One rule of the password policy.' },
)

export const PasswordRulesSchema = Type.Array(PasswordRuleSchema, { description: 'The password policy, rule by rule.' })
export type PasswordRuleBody = Static<typeof PasswordRuleSchema>
