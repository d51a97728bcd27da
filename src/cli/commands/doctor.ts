// `spotify-mlp doctor`: where this machine's WebGPU comes from in Node, why the other sources were not taken, and
// whether an adapter answers. Exit 0 when the GPU backend can run, 1 when only the CPU backends can.
import type { Command } from 'commander';
import { isUserError, UserError } from '../../errors.ts';
import { openNodeRuntime } from '../../platform/node-runtime.ts';
import { prepareVulkan } from '../../platform/vulkan-probe.ts';

/** Adds `doctor` to the program. */
export function register(program: Command): void {
  program
    .command('doctor')
    .description('say which Vulkan loader and driver Dawn uses here, why the others were not taken, and whether a WebGPU adapter answers')
    .action(() => runDoctor());
}

/** Prints the Vulkan choice, one source a line, then opens the GPU runtime once. */
export async function runDoctor(write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<void> {
  write(`node ${process.version} on ${process.platform}/${process.arch}`);
  const choice = prepareVulkan();
  write(`vulkan: ${choice.source}`);
  for (const reason of choice.reasons) write(`  ${reason}`);
  try {
    const runtime = await openNodeRuntime('gpu', () => {});
    write(`webgpu: ${runtime.description}`);
    runtime.close();
  } catch (e) {
    if (!isUserError(e)) throw e;
    write(`webgpu: none`);
    throw new UserError(`${e.message.replace(/\.$/, '')}; --backend auto runs on the fast CPU backend here.`);
  }
}
