import type { FastifyPluginAsync } from 'fastify'
import Type from 'typebox'

const JwksSchema = Type.Object(
  {
    keys: Type.Array(
      Type.Object(
        { kty: Type.String(), crv: Type.String(), x: Type.String(), y: Type.String(), kid: Type.String() },
        { additionalProperties: true },
      ),
    ),
  },
  { description: 'RFC 7517 JSON Web Key Set' },
)

/** The public keys every service verifies access tokens with. */
export const jwksRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/.well-known/jwks.json',
    {
      config: { public: true },
      schema: {
        tags: ['sessions'],
        summary: 'Public keys of access tokens (JWKS)',
        description: 'Services verify access tokens locally with these keys; a rotated key stays listed until its tokens expire.',
        operationId: 'auth.jwks',
        response: {
          200: {
            ...JwksSchema,
            examples: [
              {
                keys: [
                  {
                    kty: 'EC',
                    crv: 'P-256',
                    x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
                    y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
                    kid: 'k-2026-12-01',
                    alg: 'ES256',
                    use: 'sig',
                  },
                ],
              },
            ],
          },
        },
      },
    },
    async (_request, reply) => {
      // Verifiers cache the set; a short max-age keeps a rotation visible within minutes.
      reply.header('cache-control', 'public, max-age=300')
      return app.authRuntime.keyRing.publicJwks()
    },
  )
}
