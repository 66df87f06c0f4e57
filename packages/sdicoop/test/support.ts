import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type {
  FileSdI,
  FileSdIBase,
  FileSdIConMetadati,
  OperationId,
  RispostaRiceviFatture,
  RispostaSdINotificaEsito,
  RispostaSdIRiceviFile,
} from '../src/index.js'
import { SoapNamespaces } from '../src/index.js'

/** Absolute path inside ../shared/reference; official files are read from there as oracles, never copied. */
export function reference(...parts: string[]): string {
  return fileURLToPath(new URL(`../../../../shared/reference/${parts.join('/')}`, import.meta.url))
}

export const wsdlFiles = {
  SdIRiceviFile: 'SdIRiceviFile_v1.0.wsdl',
  SdIRiceviNotifica: 'SdIRiceviNotifica_v1.0.wsdl',
  TrasmissioneFatture: 'TrasmissioneFatture_v1.1.wsdl',
  RicezioneFatture: 'RicezioneFatture_v1.0.wsdl',
} as const

export type Service = keyof typeof wsdlFiles

export const invoice = Buffer.from(
  '<?xml version="1.0"?>\r\n<p:FatturaElettronica versione="FPR12">\u00e8 \u20ac</p:FatturaElettronica>\r\n',
  'utf8',
)
/** Bytes that are not text: every byte value, CRLFs and a MIME-boundary look-alike. */
export const binary = Buffer.concat([
  Buffer.from(Array.from({ length: 256 }, (_, index) => index)),
  Buffer.from('\r\n--uuid:\r\n--MIMEBoundary\r\n\r\n'),
])

const fileSdI: FileSdI = { IdentificativoSdI: '123456789012', NomeFile: 'IT01234567890_00001_RC_001.xml', File: invoice }
const base: FileSdIBase = { NomeFile: 'IT01234567890_0000A.xml.p7m', File: binary }
const conMetadati: FileSdIConMetadati = {
  IdentificativoSdI: '4711',
  NomeFile: 'IT01234567890_00002.xml',
  File: invoice,
  NomeFileMetadati: 'IT01234567890_00002_MT_001.xml',
  Metadati: Buffer.from('<MetadatiInvioFile/>'),
}
const risposteRiceviFile: RispostaSdIRiceviFile[] = [
  { IdentificativoSdI: '111', DataOraRicezione: '2026-11-03T10:15:30.123+01:00' },
  { IdentificativoSdI: '0', DataOraRicezione: '2026-11-03T10:15:30Z', Errore: 'EI01' },
  { IdentificativoSdI: '999999999999', DataOraRicezione: '2026-11-03T10:15:30', Errore: 'EI03' },
]
const risposteNotifica: RispostaSdINotificaEsito[] = [
  { Esito: 'ES01' },
  { Esito: 'ES02' },
  { Esito: 'ES00', ScartoEsito: { NomeFile: 'IT01234567890_00001_SE_001.xml', File: binary } },
]
const risposteRicevi: RispostaRiceviFatture[] = [{ Esito: 'ER01' }]

export interface Sample {
  operation: OperationId
  kind: 'request' | 'response'
  service: Service
  body: unknown
}

/** Every request and response body of every operation, with optional elements both present and absent. */
export const samples: Sample[] = [
  { operation: 'SdIRiceviFile.RiceviFile', kind: 'request', service: 'SdIRiceviFile', body: base },
  {
    operation: 'SdIRiceviFile.RiceviFile',
    kind: 'request',
    service: 'SdIRiceviFile',
    body: { NomeFile: 'IT01234567890_00003.zip', File: Buffer.alloc(0) },
  },
  ...risposteRiceviFile.map(
    (body): Sample => ({ operation: 'SdIRiceviFile.RiceviFile', kind: 'response', service: 'SdIRiceviFile', body }),
  ),
  { operation: 'SdIRiceviNotifica.NotificaEsito', kind: 'request', service: 'SdIRiceviNotifica', body: fileSdI },
  ...risposteNotifica.map(
    (body): Sample => ({ operation: 'SdIRiceviNotifica.NotificaEsito', kind: 'response', service: 'SdIRiceviNotifica', body }),
  ),
  ...(
    [
      'RicevutaConsegna',
      'NotificaMancataConsegna',
      'NotificaScarto',
      'NotificaEsito',
      'NotificaDecorrenzaTermini',
      'AttestazioneTrasmissioneFattura',
    ] as const
  ).map((name): Sample => ({ operation: `TrasmissioneFatture.${name}`, kind: 'request', service: 'TrasmissioneFatture', body: fileSdI })),
  { operation: 'RicezioneFatture.RiceviFatture', kind: 'request', service: 'RicezioneFatture', body: conMetadati },
  ...risposteRicevi.map(
    (body): Sample => ({ operation: 'RicezioneFatture.RiceviFatture', kind: 'response', service: 'RicezioneFatture', body }),
  ),
  { operation: 'RicezioneFatture.NotificaDecorrenzaTermini', kind: 'request', service: 'RicezioneFatture', body: fileSdI },
]

/**
 * The official types a WSDL uses, found the way a SOAP stack would: the xsd:import inside its wsdl:types, whose
 * schemaLocation is relative to the WSDL.
 */
export function officialTypesOf(service: Service): { namespace: string; file: string } {
  const wsdl = readFileSync(reference('fatturapa', 'wsdl', wsdlFiles[service]), 'utf8')
  const types = /<wsdl:types>([\s\S]*?)<\/wsdl:types>/.exec(wsdl)?.[1] ?? ''
  const match = /<xsd:import\s+namespace="([^"]+)"\s+schemaLocation="([^"]+)"/.exec(types)
  if (!match) throw new Error(`No xsd:import in the types of ${wsdlFiles[service]}`)
  return { namespace: match[1] as string, file: reference('fatturapa', 'wsdl', match[2] as string) }
}

/**
 * A minimal SOAP 1.1 envelope schema (test scaffolding, written here) whose Body validates its content strictly
 * against the given types schema, so xmllint checks whole envelopes.
 */
function envelopeSchema(typesNamespace: string, typesFile: string): string {
  return `<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:env="${SoapNamespaces.Envelope11}"
  targetNamespace="${SoapNamespaces.Envelope11}" elementFormDefault="qualified">
  <xs:import namespace="${typesNamespace}" schemaLocation="${typesFile}"/>
  <xs:element name="Envelope"><xs:complexType><xs:sequence>
    <xs:element name="Header" minOccurs="0"><xs:complexType><xs:sequence>
      <xs:any namespace="##other" processContents="lax" minOccurs="0" maxOccurs="unbounded"/>
    </xs:sequence></xs:complexType></xs:element>
    <xs:element name="Body"><xs:complexType><xs:sequence>
      <xs:any namespace="${typesNamespace}" processContents="strict" minOccurs="1" maxOccurs="1"/>
    </xs:sequence></xs:complexType></xs:element>
  </xs:sequence></xs:complexType></xs:element>
</xs:schema>
`
}

/**
 * Verdicts of xmllint --schema (network off) over whole envelopes, one process per batch: true when the
 * envelope and its body conform. `types` is the official schema file (or ours, for a three-way check).
 */
export function xmllintVerdicts(typesNamespace: string, typesFile: string, documents: readonly string[]): boolean[] {
  const folder = mkdtempSync(join(tmpdir(), 'sdicoop-oracle-'))
  try {
    const schema = join(folder, 'envelope.xsd')
    writeFileSync(schema, envelopeSchema(typesNamespace, typesFile))
    const files = documents.map((xml, index) => {
      const file = join(folder, `${String(index).padStart(5, '0')}.xml`)
      writeFileSync(file, xml)
      return file
    })
    const run = spawnSync('xmllint', ['--noout', '--nonet', '--schema', schema, ...files], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    })
    if (run.error) throw run.error
    if (/failed to compile|WXS schema .* failed/.test(run.stderr)) throw new Error(`Schema did not compile: ${run.stderr.slice(0, 500)}`)
    const verdicts = new Map<string, boolean>()
    for (const line of run.stderr.split('\n')) {
      if (line.endsWith(' validates')) verdicts.set(line.slice(0, -' validates'.length), true)
      else if (line.endsWith(' fails to validate')) verdicts.set(line.slice(0, -' fails to validate'.length), false)
    }
    return files.map((file) => {
      const verdict = verdicts.get(file)
      // Not well-formed files get no verdict line: they are invalid.
      return verdict ?? false
    })
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
}

/** Deterministic PRNG (mulberry32) so every run mutates the same way. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
