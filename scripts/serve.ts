/**
 * `npm run app`: serves the built app (dist/web, see scripts/build-web.ts) on localhost and
 * prints its URL. A tiny static server: GET/HEAD only, no directory listing, paths kept inside
 * the folder, MIME types the app needs (`application/wasm` lets browsers compile WASM while
 * it downloads). Usage: node --import tsx scripts/serve.ts [--dir DIR] [--port N] [--host H]
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** MIME types by extension. */
export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.gz': 'application/gzip',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.map': 'application/json',
  '.bin': 'application/octet-stream',
  '.mpo': 'application/octet-stream',
  '': 'text/plain; charset=utf-8',
};

/** Options of {@link serveStatic}. */
export interface ServeOptions {
  /** Folder to serve (default `<repo>/dist/web`). */
  readonly dir?: string;
  /** Port (default 8080; 0 picks a free one). */
  readonly port?: number;
  /** Interface (default 127.0.0.1). */
  readonly host?: string;
}

/** Starts the server; resolves with it and its URL once it listens. */
export function serveStatic(opts: ServeOptions = {}): Promise<{ server: Server; url: string; }> {
  const dir = resolve(opts.dir ?? join(root, 'dist', 'web'));
  if (!existsSync(join(dir, 'index.html'))) {
    return Promise.reject(new Error(`no app in "${dir}": build it first with npm run build:web`));
  }
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(dir, path));
    if (!(file === dir || file.startsWith(dir + sep)) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not found: ${path}\n`);
      return;
    }
    res.writeHead(200, {
      'content-type': MIME_TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': statSync(file).size,
      'cache-control': 'no-cache',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((resolveP, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8080, opts.host ?? '127.0.0.1', () => {
      const a = server.address();
      const port = typeof a === 'object' && a ? a.port : opts.port;
      resolveP({ server, url: `http://${opts.host ?? '127.0.0.1'}:${port}/` });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const arg = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const port = arg('--port') ?? process.env.PORT;
  try {
    const { url } = await serveStatic({ dir: arg('--dir'), port: port === undefined ? undefined : Number(port), host: arg('--host') });
    console.log(`mpo app: ${url}  (Ctrl-C stops the server)`);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'EADDRINUSE' ? `port ${port ?? 8080} is in use: pass another with npm run app -- --port 8081` : err.message.split('\n')[0];
    console.error(`mpo app: ${why}`);
    process.exit(1);
  }
}
