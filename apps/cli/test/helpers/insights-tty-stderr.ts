/**
 * `insights` as if stderr were a terminal, so it draws its progress bar on a pipe: a test can then
 * send a signal at a chosen moment of an import (when the bar names a file and phase) instead of
 * after a guessed delay.
 *
 *   node --import tsx insights-tty-stderr.ts import --data <dir> <files>
 */
Object.defineProperty(process.stderr, 'isTTY', { value: true });
await import('../../src/bin');

export {};
