// Runs the CLI from source, for development: npm run dev -- validate examples/support-assistant
import { main } from "../src/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
