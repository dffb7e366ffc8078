/** Writing S3 responses: XML documents, empty bodies and S3 error documents. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { S3Error } from './s3-error.js';
import { errorDocument } from './xml.js';

export function sendXml(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(status, { ...headers, 'Content-Type': 'application/xml', 'Content-Length': String(bytes.length) });
  res.end(bytes);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, 'Content-Length': '0' });
  res.end();
}

/** HEAD errors carry no body, as in S3; a request whose body was not read closes the connection. */
export function sendError(req: IncomingMessage, res: ServerResponse, error: S3Error, resource: string, requestId: string): void {
  if (res.headersSent) {
    res.destroy(error);
    return;
  }
  const headers: Record<string, string> = { ...error.headers };
  if (!req.complete) headers['Connection'] = 'close';
  if (req.method === 'HEAD') {
    res.writeHead(error.status, { ...headers, 'Content-Length': '0' });
    res.end();
    return;
  }
  sendXml(res, error.status, errorDocument(error, resource, requestId), headers);
}
