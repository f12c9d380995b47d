// Runs one of the Athena queries over an archive exported to a local folder, with DuckDB, and prints
// the rows as a JSON array: a check of the queries' logic on real Parquet files without Athena.
//
//   node run-query.mjs <archive-folder> <query.sql>
//
// The folder holds dt=YYYY-MM-DD/part-NNNNN.parquet as the exporter writes them (a DirectoryArchiveSink
// or a copy of the S3 prefix). The view `fixes` mirrors the Glue table: dt is the Hive partition, a
// string, and ts a timestamp without time zone in UTC (the session time zone is UTC). DuckDB's SQL is
// close to Athena's (Trino) for everything the queries use; it is not Athena.
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';

const [folder, queryFile] = process.argv.slice(2);
if (!folder || !queryFile) {
  console.error('usage: node run-query.mjs <archive-folder> <query.sql>');
  process.exit(2);
}

const glob = `${folder.replace(/\/$/, '')}/dt=*/*.parquet`.replaceAll("'", "''");
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
await connection.run("SET TimeZone = 'UTC'");
await connection.run(
  `CREATE VIEW fixes AS SELECT * REPLACE (CAST(ts AS TIMESTAMP) AS ts) ` +
  `FROM read_parquet('${glob}', hive_partitioning = true, hive_types = {'dt': 'VARCHAR'})`);
const reader = await connection.runAndReadAll(readFileSync(queryFile, 'utf8'));
process.stdout.write(JSON.stringify(reader.getRowObjectsJson()) + '\n');
