import path from 'node:path';
import dotenv from 'dotenv';

/**
 * Loads the committed `.env` development defaults into the environment. Variables already set
 * win, so a deployment's own environment always overrides the file.
 */
export function loadEnvFile(file = path.resolve(process.cwd(), '.env')): void {
  dotenv.config({ path: file, quiet: true });
}
