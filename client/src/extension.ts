/**
 * The VS Code side: starts the Framewise language server, shows its state in a language status
 * item, and contributes commands. Feature modules (the equivalence panel) hook in from here.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CloseAction, LanguageClient, State, TransportKind, type ErrorHandler, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { registerEquivalentsPanel } from './panel/panel';
import { SERVER_NODE_ARGS } from './serverArgs';

let client: LanguageClient | undefined;
let status: vscode.LanguageStatusItem | undefined;
/**
 * Set while the server stops on its way to a restart (the restart command, an automatic restart
 * after a crash) or for good at deactivation: the "stopped" warning is not shown then.
 */
let stoppingOnPurpose = false;

export function getClient(): LanguageClient | undefined {
  return client;
}

function createClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_ARGS] } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_ARGS, '--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'python' }],
    synchronize: { configurationSection: 'framewise', fileEvents: vscode.workspace.createFileSystemWatcher('**/pyproject.toml') },
    outputChannel: output,
    initializationOptions: { extensionPath: context.extensionPath },
    errorHandler: crashReporting(output),
  };
  return new LanguageClient('framewise', 'Framewise', serverOptions, clientOptions);
}

/**
 * The client's default error handling (restart a crashed server up to 4 times in 3 minutes, then
 * give up), made visible: the library only logs a restart, so say it in a notification too. Giving
 * up is reported by the State.Stopped handler in `activate`.
 */
function crashReporting(output: vscode.LogOutputChannel): ErrorHandler {
  let fallback: ErrorHandler | undefined;
  const defaults = () => (fallback ??= client!.createDefaultErrorHandler());
  return {
    error: (error, message, count) => defaults().error(error, message, count),
    closed: async () => {
      const result = await defaults().closed();
      if (result.action === CloseAction.Restart) {
        stoppingOnPurpose = true; // the client passes through Stopped on its way back to Running
        output.warn('The Framewise language server stopped unexpectedly; restarting it.');
        void vscode.window.showWarningMessage('The Framewise language server stopped unexpectedly and was restarted.', 'Show Output').then((choice) => {
          if (choice) output.show(true);
        });
      } else {
        output.error(result.message ?? 'The Framewise language server stopped and will not be restarted.');
      }
      return { ...result, handled: true };
    },
  };
}

export async function activate(context: vscode.ExtensionContext): Promise<{ getClient: typeof getClient }> {
  const output = vscode.window.createOutputChannel('Framewise', { log: true });
  context.subscriptions.push(output);

  status = vscode.languages.createLanguageStatusItem('framewise.status', { language: 'python' });
  status.name = 'Framewise';
  status.text = 'Framewise: starting';
  status.command = { title: 'Show output', command: 'framewise.showOutput' };
  context.subscriptions.push(status);

  client = createClient(context, output);
  client.onDidChangeState((e) => {
    if (!status) return;
    if (e.newState === State.Running) {
      stoppingOnPurpose = false;
      status.text = 'Framewise';
      status.severity = vscode.LanguageStatusSeverity.Information;
      status.detail = 'PyTorch · JAX · TensorFlow analysis running';
    } else if (e.newState === State.Stopped) {
      status.text = 'Framewise: stopped';
      status.severity = vscode.LanguageStatusSeverity.Error;
      status.detail = 'The language server stopped; run "Framewise: Restart Server".';
      if (stoppingOnPurpose) return;
      void vscode.window.showWarningMessage('The Framewise language server stopped and was not restarted (see the output for why).', 'Restart', 'Show Output').then((choice) => {
        if (choice === 'Restart') void vscode.commands.executeCommand('framewise.restartServer');
        else if (choice === 'Show Output') output.show(true);
      });
    }
  });

  context.subscriptions.push(
    vscode.commands.registerCommand('framewise.restartServer', async () => {
      if (!client) return;
      output.appendLine('Restarting the Framewise language server…');
      stoppingOnPurpose = true;
      try {
        await client.restart();
      } finally {
        stoppingOnPurpose = false;
      }
    }),
    vscode.commands.registerCommand('framewise.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('framewise.openRuleDocs', async (code: string) => {
      if (typeof code !== 'string' || !/^[A-Z]+\d{3}$/.test(code)) return;
      const doc = vscode.Uri.file(context.asAbsolutePath(path.join('docs', 'rules', `${code}.md`)));
      await vscode.commands.executeCommand('markdown.showPreview', doc);
    }),
  );

  // The equivalence panel (commands, serializer, cursor following); registered before the server
  // starts so a panel restored after a reload is claimed at once.
  context.subscriptions.push(...registerEquivalentsPanel(context, { getClient, log: output }));

  await client.start();
  return { getClient };
}

export async function deactivate(): Promise<void> {
  stoppingOnPurpose = true;
  if (client) await client.stop();
  client = undefined;
}
