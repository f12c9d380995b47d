// Runs one of the Athena queries over an archive exported to a local folder, with DuckDB, and prints
// the rows as a JSON array: a check of the queries' logic on real Parquet files without Athena.
//
//   node run-query.mjs <archive-folder> <query.sql>
//
// The folder is laid out as the archive bucket: fixes/, trips/ and stops/, each with dt=YYYY-MM-DD/part-NNNNN.parquet
// as the exporters write them (DirectoryArchiveSinks, or `aws s3 sync` of the bucket's three prefixes). Each table
// present becomes a view that mirrors its Glue table: dt is the Hive partition, a string, and the timestamps are
// timestamps without time zone in UTC (the session time zone is UTC). DuckDB's SQL is close to Athena's (Trino) for
// everything the queries use; it is not Athena.
import { DuckDBInstance } from '@duckdb/node-api';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [folder, queryFile] = process.argv.slice(2);
if (!folder || !queryFile) {
  console.error('usage: node run-query.mjs <archive-folder> <query.sql>');
  process.exit(2);
}

// Timestamp columns per table, cast as the Glue table types them.
const tables = { fixes: ['ts'], trips: ['start_ts', 'end_ts', 'decided_ts'], stops: ['start_ts', 'end_ts', 'decided_ts'] };
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
await connection.run("SET TimeZone = 'UTC'");
let views = 0;
for (const [table, timestamps] of Object.entries(tables)) {
  const root = join(folder, table);
  const hasParts = existsSync(root) && readdirSync(root, { recursive: true }).some((f) => String(f).endsWith('.parquet'));
  if (!hasParts) {
    continue;
  }

  const glob = `${root.replace(/\/$/, '')}/dt=*/*.parquet`.replaceAll("'", "''");
  const casts = timestamps.map((c) => `CAST(${c} AS TIMESTAMP) AS ${c}`).join(', ');
  await connection.run(
    `CREATE VIEW ${table} AS SELECT * REPLACE (${casts}) ` +
    `FROM read_parquet('${glob}', hive_partitioning = true, hive_types = {'dt': 'VARCHAR'})`);
  views++;
}

if (views === 0) {
  console.error(`no Parquet files under ${folder}/fixes, ${folder}/trips or ${folder}/stops`);
  process.exit(2);
}

const reader = await connection.runAndReadAll(readFileSync(queryFile, 'utf8'));
process.stdout.write(JSON.stringify(reader.getRowObjectsJson()) + '\n');
