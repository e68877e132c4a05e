#!/usr/bin/env node
// A plain-JS launcher that exists before the first build, so npm can link the
// `callbridge` bin at install time; the command itself is compiled to dist/.
require('../dist/bin.js');
