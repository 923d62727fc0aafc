// kensa serve: the browser front end (forms from this registry, runs in CLI workers, run folders
// and reports, scribble segmentation, metric tile inspector and embedding scatter, explanation
// flipper). The server is imported lazily: no layer below needs it.
import { defineCommand } from '../command.js';
import { OptionError } from '../../util/errors.js';

interface ServeCommandOptions {
  /** Folder of run folders. @default 'runs' */ runs: string;
  /** Address to bind. @default '127.0.0.1' */ host: string;
  /** Port. @default 8321 */ port: number;
  /** Token every request must carry; required when host is not loopback. @default KENSA_TOKEN or none */ token?: string;
}

export const serveCommand = defineCommand<ServeCommandOptions>({
  name: 'serve',
  summary: 'browser front end: command forms, runs with live progress and cancel, run folders and reports, scribble segmentation, metric tile inspector and embedding scatter, explanation flipper',
  options: {
    runs: { kind: 'string', description: 'folder of run folders (browsed; new runs go here)', default: 'runs', placeholder: 'DIR' },
    host: { kind: 'string', description: 'address to bind (anything but loopback needs --token)', default: '127.0.0.1' },
    port: { kind: 'integer', description: 'port (0 = any free port)', default: 8321, min: 0, max: 65535 },
    token: { kind: 'string', description: 'token required on every request (default $KENSA_TOKEN)', placeholder: 'TOKEN' },
  },
  async run(o, _args, ctx) {
    const { startServer } = await import('../../server/app.js');
    const { isLoopback } = await import('../../server/security.js');
    const token = o.token ?? process.env.KENSA_TOKEN;
    if (!isLoopback(o.host) && !token) throw new OptionError('--token', `is required when binding ${o.host}`);
    const s = await startServer({ runsDir: o.runs, host: o.host, port: o.port, token });
    ctx.log(`kensa serve: ${s.url}/${token ? `?token=${encodeURIComponent(token)}` : ''} (Ctrl-C stops)`);
    await new Promise<void>((ok) => {
      const stop = (): void => void s.close().then(ok);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return { json: { url: s.url }, text: 'kensa serve: stopped' };
  },
});
