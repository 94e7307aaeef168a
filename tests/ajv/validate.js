#!/usr/bin/env node
// Validate JSON documents against a draft 2020-12 JSON Schema with Ajv, a validator that
// shares no code with the Python package. Used by tests/test_conformance.py to check that
// the committed schema and the Python validator agree on the conformance suite.
//
// Usage:
//   node validate.js SCHEMA FILE...
//   node validate.js SCHEMA --manifest MANIFEST [--check]
//
// With --manifest, the files are the manifest's entries ("file" is relative to the
// manifest's folder). Prints one JSON line per file:
//   {"file": ..., "valid": true|false, "errors": [instancePath, ...]}
// "errors" holds the distinct instance paths (JSON pointers) Ajv reported, in order; a
// document that is not UTF-8 JSON gets "errors": [""] and a "parse_error" message.
// --check also compares each verdict with the manifest's "schema_valid" and exits 1 if
// any differ (entries with a "known_gap" are reported but do not fail).
// Exit status 2: bad usage, or a schema that does not compile.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const Ajv2020 = require("ajv/dist/2020");
const addFormats = require("ajv-formats");

function usage(message) {
  process.stderr.write(`${message}\n`);
  process.stderr.write(
    "usage: node validate.js SCHEMA FILE...\n" +
      "       node validate.js SCHEMA --manifest MANIFEST [--check]\n",
  );
  process.exit(2);
}

function parseArgs(argv) {
  const args = { schema: null, manifest: null, check: false, files: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === "--manifest") {
      i += 1;
      if (i >= argv.length) usage("--manifest needs a path");
      args.manifest = argv[i];
    } else if (arg === "--check") {
      args.check = true;
    } else if (arg.startsWith("--")) {
      usage(`unknown option ${arg}`);
    } else if (args.schema === null) {
      args.schema = arg;
    } else {
      args.files.push(arg);
    }
  }
  if (args.schema === null) usage("no schema given");
  if (args.manifest === null && args.files.length === 0) usage("no files given");
  if (args.check && args.manifest === null) usage("--check needs --manifest");
  return args;
}

// Strict mode stays on (it catches schema mistakes); the one keyword Ajv does not know is
// the package's annotation on fields that hold personal data, declared here as such.
function compile(schemaPath) {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  ajv.addKeyword({ keyword: "x-personal-data", schemaType: "boolean" });
  addFormats(ajv);
  const schema = JSON.parse(fs.readFileSync(schemaPath, "utf8"));
  return ajv.compile(schema);
}

// Bytes -> value, refusing what is not UTF-8 (the Python validator does too) instead of
// letting Node replace bad bytes with U+FFFD.
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function readJson(filePath) {
  const bytes = fs.readFileSync(filePath);
  return JSON.parse(decoder.decode(bytes));
}

function validateFile(validate, label, filePath) {
  let data;
  try {
    data = readJson(filePath);
  } catch (error) {
    return { file: label, valid: false, errors: [""], parse_error: String(error.message) };
  }
  const valid = validate(data);
  const paths = [];
  for (const error of validate.errors || []) {
    if (!paths.includes(error.instancePath)) paths.push(error.instancePath);
  }
  return { file: label, valid: Boolean(valid), errors: paths };
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  let validate;
  try {
    validate = compile(args.schema);
  } catch (error) {
    process.stderr.write(`schema ${args.schema} does not compile: ${error.message}\n`);
    process.exit(2);
  }
  let entries = args.files.map((file) => ({ label: file, filePath: file }));
  let expected = new Map();
  if (args.manifest !== null) {
    const manifest = JSON.parse(fs.readFileSync(args.manifest, "utf8"));
    const base = path.dirname(args.manifest);
    const cases = Array.isArray(manifest) ? manifest : manifest.cases;
    entries = entries.concat(
      cases.map((entry) => ({ label: entry.file, filePath: path.join(base, entry.file) })),
    );
    expected = new Map(cases.map((entry) => [entry.file, entry]));
  }
  let mismatches = 0;
  for (const { label, filePath } of entries) {
    const result = validateFile(validate, label, filePath);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    const entry = expected.get(label);
    if (args.check && entry !== undefined && entry.schema_valid !== result.valid) {
      const what = `${label}: ajv says valid=${result.valid}, manifest says schema_valid=${entry.schema_valid}`;
      if (entry.known_gap) {
        process.stderr.write(`${what} (known gap: ${entry.known_gap})\n`);
      } else {
        mismatches += 1;
        process.stderr.write(`${what}\n`);
      }
    }
  }
  if (mismatches > 0) process.exit(1);
}

main();
