import Type, { type Static } from 'typebox'

/** Who issues access tokens and who they are for; the auth service signs with these, every service checks them. */
export const tokenIssuer = 'fatturapa-hub/auth'
export const tokenAudience = 'fatturapa-hub'
/** JWT `typ` header of access tokens (RFC 9068), so no other JWT signed with the same keys passes as one. */
export const accessTokenType = 'at+jwt'
/** The only signature algorithm accepted; pinning it rules out `alg: none` and algorithm confusion. */
export const accessTokenAlgorithm = 'ES256'

export const UserKindSchema = Type.Union([Type.Literal('admin'), Type.Literal('operator'), Type.Literal('integration')])
export type UserKind = Static<typeof UserKindSchema>

export const AccessTokenClaimsSchema = Type.Object(
  {
    sub: Type.String({ minLength: 1, description: 'User id.' }),
    studio: Type.String({ minLength: 1, description: 'Id of the studio the user belongs to.' }),
    username: Type.String({ minLength: 1 }),
    kind: UserKindSchema,
    permissions: Type.Array(Type.String({ minLength: 1 })),
    partitaIva: Type.Optional(
      Type.String({ minLength: 1, description: 'Integration users only: the client VAT number their certificate must match.' }),
    ),
    mustChangePassword: Type.Optional(Type.Boolean()),
    contractsPending: Type.Optional(Type.Boolean()),
    jti: Type.String({ minLength: 1 }),
    iat: Type.Integer(),
    exp: Type.Integer(),
  },
  // Claims added by a newer auth service must not make older services reject the token.
  { additionalProperties: true },
)
export type AccessTokenClaims = Static<typeof AccessTokenClaimsSchema>
