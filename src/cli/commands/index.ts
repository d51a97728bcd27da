// The list of `spotify-mlp` commands: each module exports `register(program)`, and adding a command is one line here.
import type { Command } from 'commander';
import * as doctor from './doctor.ts';
import * as explain from './explain.ts';
import * as exporter from './export.ts';
import * as forward from './forward.ts';
import * as init from './init.ts';
import * as prepare from './prepare.ts';
import * as train from './train.ts';
import * as predict from './predict.ts';
import * as sweep from './sweep.ts';

/** A command module: adds its subcommand with `program.command(…)` so it inherits the CLI's error settings. */
export interface CommandModule {
  register(program: Command): void;
}

/** The commands in the order `--help` lists them. */
const COMMANDS: readonly CommandModule[] = [init, forward, prepare, train, sweep, predict, explain, exporter, doctor];

/** Adds every command to `program`. */
export function registerCommands(program: Command): void {
  for (const command of COMMANDS) command.register(program);
}
