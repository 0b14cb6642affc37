/** Entry point of the language server: `node dist/server.js --stdio` (or node-ipc from VS Code). */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { FramewiseServer } from './server';

const connection = createConnection(ProposedFeatures.all);
const server = new FramewiseServer(connection);
void server;

process.on('uncaughtException', (e) => connection.console.error(`Framewise uncaught: ${e.stack ?? e}`));
process.on('unhandledRejection', (e) => connection.console.error(`Framewise unhandled rejection: ${String(e)}`));

connection.listen();
