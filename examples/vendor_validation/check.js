#!/usr/bin/env node
// Validate handover payloads with Ajv (no Python needed) against the JSON Schema that
// `fostering-hub schema handover` exports. Prints "FILE: valid" or "FILE: invalid" with
// the failing JSON pointers, and exits 1 when any payload is invalid.
//
//   npm install                                   # ajv and ajv-formats
//   node check.js handover.schema.json payloads/*.json
"use strict";

const fs = require("node:fs");
const Ajv2020 = require("ajv/dist/2020");
const addFormats = require("ajv-formats");

const [schemaPath, ...files] = process.argv.slice(2);
if (!schemaPath || files.length === 0) {
  process.stderr.write("usage: node check.js SCHEMA FILE...\n");
  process.exit(2);
}
const ajv = new Ajv2020({ allErrors: true });
ajv.addKeyword("x-personal-data"); // fostering-hub marks personal fields with it
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, "utf8")));

let invalid = 0;
for (const file of files) {
  let ok = false;
  let where = [];
  try {
    ok = validate(JSON.parse(fs.readFileSync(file, "utf8")));
    where = [...new Set((validate.errors || []).map((e) => e.instancePath || "/"))];
  } catch (error) {
    where = ["not JSON"];
  }
  if (!ok) invalid += 1;
  process.stdout.write(`${file}: ${ok ? "valid" : "invalid"}${ok ? "" : ` ${where.join(" ")}`}\n`);
}
process.exit(invalid ? 1 : 0);
