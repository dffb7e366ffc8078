/**
 * An identity as one object-key segment: `<KEY_PREFIX><segment>/<uuid>/<name>`.
 * Letters, digits and `-_.` stay as they are; every other byte of the UTF-8
 * form (and `!` itself) becomes `!xx`. The mapping is one-to-one, so two
 * identities never share a prefix, and the segment never holds `/`, is never
 * `.` or `..`, and needs no escaping in any S3 API.
 */
export const MAX_IDENTITY_LENGTH = 256;

export function ownerSegment(identity: string): string {
  if (/^\.*$/.test(identity)) return [...Buffer.from(identity, 'utf8')].map(escapeByte).join('');
  let segment = '';
  for (const byte of Buffer.from(identity, 'utf8')) {
    const char = String.fromCharCode(byte);
    segment += /[A-Za-z0-9._-]/.test(char) ? char : escapeByte(byte);
  }
  return segment;
}

function escapeByte(byte: number): string {
  return `!${byte.toString(16).padStart(2, '0')}`;
}

/** Where an owner's objects live; open mode (no identity) keeps the plain prefix. */
export function ownerKeyPrefix(keyPrefix: string, identity: string | null): string {
  return identity === null ? keyPrefix : `${keyPrefix}${ownerSegment(identity)}/`;
}
