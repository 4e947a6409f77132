#!/usr/bin/env node
// `npx payrail ...` after `npm ci`: runs the TypeScript sources with ts-node (transpile only), no build step.
'use strict';
require('ts-node').register({ transpileOnly: true, project: require('node:path').join(__dirname, '..', '..', '..', 'tsconfig.json') });
require('../src/main.ts');
