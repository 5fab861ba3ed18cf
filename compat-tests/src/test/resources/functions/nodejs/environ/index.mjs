// What the function sees of its process: its environment, cwd and the module paths.
import fs from "node:fs";

export const handler = async () => {
  let stdinAtEof;
  try {
    stdinAtEof = fs.readFileSync(0).length === 0;
  } catch (e) {
    stdinAtEof = String(e);
  }
  return { env: { ...process.env }, cwd: process.cwd(), execArgv: process.execArgv, stdinAtEof };
};
