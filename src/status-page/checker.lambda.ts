// Entry point of the checker Lambda (bundled by esbuild into assets/). Logic lives in runtime/.
export async function handler(): Promise<void> {
  throw new Error('not implemented yet');
}
