import Type, { type Static } from 'typebox'
import { FATTURAPA_NS } from '../namespaces.js'
import { FatturaElettronicaBodySchema } from './body.js'
import { closed } from './common.js'
import { FatturaElettronicaHeaderSchema } from './header.js'

/*
 * The root. Property order is the XSD element order: the XML builder and the parser's order check both walk
 * `properties` in insertion order, so reordering keys here changes the XML. The two root attributes carry the
 * OpenAPI XML Object hint `xml.attribute`, which is also what the (de)serialisers look at.
 */
export const FatturaElettronicaSchema = Type.Object(
  {
    versione: Type.Enum(['FPA12', 'FPR12'], {
      description: 'Root attribute: FPA12 (to a public administration) or FPR12 (to private parties). Must equal FormatoTrasmissione.',
      xml: { attribute: true },
    }),
    SistemaEmittente: Type.Optional(
      Type.String({
        pattern: '^[\\u0000-\\u007F]{1,10}$',
        description: 'Root attribute: name of the software that produced the file.',
        xml: { attribute: true },
      }),
    ),
    FatturaElettronicaHeader: FatturaElettronicaHeaderSchema,
    FatturaElettronicaBody: Type.Array(FatturaElettronicaBodySchema, {
      minItems: 1,
      description: 'One entry per invoice; more than one makes the file a lot (lotto di fatture).',
    }),
  },
  {
    ...closed,
    title: 'FatturaElettronica',
    description:
      'A FatturaPA 1.2.3 electronic invoice file (FPA12 / FPR12), element for element. Amounts, quantities, dates and numbers are strings holding the exact XML lexical form.',
    xml: { name: 'FatturaElettronica', namespace: FATTURAPA_NS, prefix: 'p' },
  },
)

export type FatturaElettronica = Static<typeof FatturaElettronicaSchema>
