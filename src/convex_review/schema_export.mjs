// Prints the app's schema as Convex itself exports it (`schema.export()`: every
// table with its documentType validator), for the onboarding report's data
// model. Run by onboarding.py with tsx as the loader, so schema.ts loads as
// TypeScript: node --import <tsx> schema_export.mjs <path to schema.ts>
import { pathToFileURL } from "node:url";

const [schemaPath] = process.argv.slice(2);
const schema = (await import(pathToFileURL(schemaPath).href)).default;
if (!schema || typeof schema.export !== "function") {
  console.error(`${schemaPath}: its default export is not a defineSchema(...) result`);
  process.exit(1);
}
process.stdout.write(schema.export());
