// Runs once before the suite: prints the environment so a test log always names where GPU tests ran.
export default function setup(): void {
  console.log(`[spotify-mlp tests] node ${process.version}, ${process.platform}/${process.arch}`);
}
