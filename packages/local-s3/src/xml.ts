/** Minimal XML writing for S3 responses and strict-enough parsing of S3 request bodies. */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { s3Errors } from './s3-error.js';
import type { S3Error } from './s3-error.js';

export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A child node: `[name, text]`, `[name, children]`, or skipped when undefined. */
export type XmlNode = readonly [string, string | number | boolean | readonly (XmlNode | undefined)[]] | undefined;

function renderNode(node: XmlNode): string {
  if (node === undefined) return '';
  const [name, value] = node;
  const inner = Array.isArray(value) ? value.map(renderNode).join('') : escapeXml(String(value));
  return `<${name}>${inner}</${name}>`;
}

/** A whole document with S3's namespace on the root element. */
export function xmlDocument(root: string, children: readonly (XmlNode | undefined)[], withNamespace = true): string {
  const ns = withNamespace ? ` xmlns="${S3_XMLNS}"` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${ns}>${children.map(renderNode).join('')}</${root}>`;
}

export function errorDocument(error: S3Error, resource: string, requestId: string): string {
  const extras = Object.entries(error.extra).map(([k, v]): XmlNode => [k, v]);
  return xmlDocument(
    'Error',
    [['Code', error.code], ['Message', error.message], ...extras, ['Resource', resource], ['RequestId', requestId]],
    false,
  );
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  removeNSPrefix: true,
});

/**
 * Markup declarations (`<!DOCTYPE`, `<!ENTITY`, ...): S3's request schemas have
 * none, and entities are how XML bodies attack parsers (external files,
 * billion laughs). Comments and CDATA sections stay allowed.
 */
const DECLARATION = /<!(?!--|\[CDATA\[)/;

/**
 * Parses a request body. Anything not well-formed, any DTD, and anything the
 * parser refuses (deep nesting, `__proto__` element names) is S3's MalformedXML, never a 500.
 */
export function parseXmlBody(body: string): Record<string, unknown> {
  if (body.trim() === '' || DECLARATION.test(body)) throw s3Errors.malformedXml();
  let parsed: unknown;
  try {
    if (XMLValidator.validate(body) !== true) throw s3Errors.malformedXml();
    parsed = parser.parse(body);
  } catch (cause) {
    throw s3Errors.malformedXml(cause);
  }
  if (typeof parsed !== 'object' || parsed === null) throw s3Errors.malformedXml();
  return parsed as Record<string, unknown>;
}

/** fast-xml-parser yields one value or an array for repeated elements; normalize to an array. */
export function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}
