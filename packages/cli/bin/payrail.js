#!/usr/bin/env node
// `npx payrail ...` after `npm ci`: runs the TypeScript sources with ts-node (transpile only), no build step.
'use strict';
const path = require('node:path');
require('ts-node').register({ transpileOnly: true, project: path.join(__dirname, '..', '..', '..', 'tsconfig.json') });
require('../src/main.ts')
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
