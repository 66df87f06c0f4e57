import { SdiInboundMessageMigration } from '@fatturapa-hub/sdi-channel'

export class Migration20261201120000SdiInbox extends SdiInboundMessageMigration {}
