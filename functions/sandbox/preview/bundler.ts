import * as esbuild from 'esbuild';
import path from 'node:path';

/**
 * Builds the preview's browser code with esbuild: the host page, and one worker script per UI extension (the
 * worker runtime first, then the extension's own entry file, as HubSpot loads an extension in a web worker whose
 * globals are set before the SDK is imported). A build runs on first request and again on each page load, and
 * esbuild's incremental rebuild makes that cheap, so an edited extension shows on the next reload.
 */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../../..');
const BROWSER_DIR = path.join(import.meta.dirname, 'browser');

export type BuildResult = { ok: true; code: string } | { ok: false; error: string };

export class PreviewBundler {
  private readonly contexts = new Map<string, Promise<esbuild.BuildContext<{ write: false }>>>();
  private readonly last = new Map<string, BuildResult>();

  /** The host page (components, overlays, persona picker). */
  host(): Promise<BuildResult> {
    return this.build('host', { entryPoints: [path.join(BROWSER_DIR, 'host.tsx')] });
  }

  /** The worker script of one extension: the worker runtime, then the extension's entry point. */
  extension(uid: string, entrypoint: string): Promise<BuildResult> {
    const contents = `import ${JSON.stringify(path.join(BROWSER_DIR, 'worker.ts'))};\nimport ${JSON.stringify(entrypoint)};\n`;
    return this.build(`extension:${uid}:${entrypoint}`, {
      stdin: { contents, resolveDir: PROJECT_ROOT, sourcefile: `${uid}.worker.ts`, loader: 'ts' },
    });
  }

  /** The result of the last build of that extension, without building again (the worker script request). */
  lastExtension(uid: string, entrypoint: string): BuildResult | undefined {
    return this.last.get(`extension:${uid}:${entrypoint}`);
  }

  async dispose(): Promise<void> {
    const contexts = [...this.contexts.values()];
    this.contexts.clear();
    await Promise.all(contexts.map(async (c) => (await c).dispose()));
  }

  private async build(key: string, entry: Pick<esbuild.BuildOptions, 'entryPoints' | 'stdin'>): Promise<BuildResult> {
    let context = this.contexts.get(key);
    if (!context) {
      context = esbuild.context({
        ...entry,
        bundle: true,
        write: false,
        format: 'iife',
        platform: 'browser',
        target: 'chrome120',
        jsx: 'automatic',
        loader: { '.css': 'text' },
        define: { 'process.env.NODE_ENV': '"development"' },
        sourcemap: 'inline',
        logLevel: 'silent',
        plugins: [oneCopyOfShared],
      });
      this.contexts.set(key, context);
    }
    let result: BuildResult;
    try {
      const output = await (await context).rebuild();
      result = { ok: true, code: output.outputFiles[0]!.text };
    } catch (err) {
      const errors = (err as { errors?: esbuild.Message[] }).errors;
      const text = errors ? await esbuild.formatMessages(errors, { kind: 'error', color: false }) : [String(err)];
      result = { ok: false, error: text.join('\n') };
    }
    this.last.set(key, result);
    return result;
  }
}

/**
 * React, remote-ui and the SDK resolve from the project root, whatever folder imports them: an extension folder with
 * its own node_modules would otherwise bring a second React or remote-ui into the worker, and the SDK's components
 * only render through the same @remote-ui/react instance the worker runtime uses.
 */
const SHARED = /^(react|react-dom|@remote-ui\/[^/]+|@hubspot\/ui-extensions)(\/.*)?$/;
const oneCopyOfShared: esbuild.Plugin = {
  name: 'one-copy-of-shared',
  setup(build) {
    build.onResolve({ filter: SHARED }, async (args) => {
      if (args.pluginData === 'shared' || args.resolveDir === PROJECT_ROOT) return undefined;
      const resolved = await build.resolve(args.path, { kind: args.kind, resolveDir: PROJECT_ROOT, pluginData: 'shared' });
      return resolved.errors.length > 0 ? { errors: resolved.errors } : { path: resolved.path };
    });
  },
};
