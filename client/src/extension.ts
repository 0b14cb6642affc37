/**
 * The VS Code side: starts the Framewise language server, shows its state in a language status
 * item, and contributes commands. Feature modules (the equivalence panel) hook in from here.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { registerEquivalentsPanel } from './panel/panel';

let client: LanguageClient | undefined;
let status: vscode.LanguageStatusItem | undefined;

export function getClient(): LanguageClient | undefined {
  return client;
}

function createClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'python' }],
    synchronize: { configurationSection: 'framewise', fileEvents: vscode.workspace.createFileSystemWatcher('**/pyproject.toml') },
    outputChannel: output,
    initializationOptions: { extensionPath: context.extensionPath },
  };
  return new LanguageClient('framewise', 'Framewise', serverOptions, clientOptions);
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
      status.text = 'Framewise';
      status.severity = vscode.LanguageStatusSeverity.Information;
      status.detail = 'PyTorch · JAX · TensorFlow analysis running';
    } else if (e.newState === State.Stopped) {
      status.text = 'Framewise: stopped';
      status.severity = vscode.LanguageStatusSeverity.Error;
      status.detail = 'The language server stopped; run "Framewise: Restart Server".';
      void vscode.window.showWarningMessage('The Framewise language server stopped.', 'Restart').then((choice) => {
        if (choice === 'Restart') void vscode.commands.executeCommand('framewise.restartServer');
      });
    }
  });

  context.subscriptions.push(
    vscode.commands.registerCommand('framewise.restartServer', async () => {
      if (!client) return;
      output.appendLine('Restarting the Framewise language server…');
      await client.restart();
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
  if (client) await client.stop();
  client = undefined;
}
