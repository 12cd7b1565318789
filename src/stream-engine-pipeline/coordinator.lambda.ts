// Entry point of the coordinator Lambda (bundled by esbuild into assets/). Logic lives in runtime/.
export async function handler(): Promise<unknown> {
  throw new Error('not implemented yet');
}
