/** Entry point of the language server: `node dist/server.js --stdio` (or node-ipc from VS Code). */
import { createConnection, LSPErrorCodes, ProposedFeatures, type RequestMessage } from 'vscode-languageserver/node';
import { FramewiseServer } from './server';

// A request cancelled while still queued (the server was busy) is answered at once, unhandled.
const connection = createConnection(ProposedFeatures.all, {
  connectionStrategy: {
    cancelUndispatched: (message) => ({
      jsonrpc: '2.0',
      id: (message as RequestMessage).id,
      error: { code: LSPErrorCodes.RequestCancelled, message: 'Request cancelled' },
    }),
  },
});
const server = new FramewiseServer(connection);
void server;

process.on('uncaughtException', (e) => connection.console.error(`Framewise uncaught: ${e.stack ?? e}`));
process.on('unhandledRejection', (e) => connection.console.error(`Framewise unhandled rejection: ${String(e)}`));

connection.listen();
