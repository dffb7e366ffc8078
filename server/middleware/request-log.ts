/**
 * One log line per request once its response is done (or cut off): the
 * request's number, method and URL (upload tokens redacted), the status, the
 * time taken and the upload it acted on; warn for 4xx and cut-off responses,
 * error for 5xx. Nothing is built when the level is off.
 *
 * It replaced pino-http (two or three child loggers and a full request
 * serialization per request, for a line that kept four fields). Measured with
 * bench/server-cpu.ts on a loaded machine, the swap saved no CPU per API call
 * beyond the noise: this is kept for the shorter path, not for a figure.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Level, Logger } from 'pino';

/** A token sent in a query (refused anyway) must not reach the logs. */
export function redactTokenParams(url: string): string {
  return url.replace(/([?&][^=&]*token[^=&]*=)[^&]*/gi, '$1[redacted]');
}

function levelOf(statusCode: number, finished: boolean): Level {
  if (statusCode >= 500) return 'error';
  return statusCode >= 400 || !finished ? 'warn' : 'info';
}

export function requestLog(logger: Logger): RequestHandler {
  let lastId = 0;
  return (req: Request, res: Response, next: NextFunction) => {
    const id = ++lastId;
    const started = Date.now();
    res.once('close', () => {
      // 'close' comes after 'finish' too; a response closed before it finished was cut off (the client went away).
      const finished = res.writableFinished;
      const level = levelOf(res.statusCode, finished);
      if (!logger.isLevelEnabled(level)) return;
      const uploadId: unknown = res.locals.uploadId;
      logger[level](
        {
          reqId: id,
          req: { id, method: req.method, url: redactTokenParams(req.originalUrl) },
          res: { statusCode: res.statusCode },
          responseTime: Date.now() - started,
          ...(typeof uploadId === 'string' && { uploadId }),
        },
        finished ? (res.statusCode >= 500 ? 'request errored' : 'request completed') : 'request cut off before its response was sent',
      );
    });
    next();
  };
}
