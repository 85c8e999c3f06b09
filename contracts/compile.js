#!/usr/bin/env node
// Compiles contracts/solidity/*.sol with the solc-js version pinned in
// package.json and writes <Name>.abi and <Name>.bin for each deployable
// contract into the output directory (default: contracts/build).
//
//   npm ci --prefix contracts        # once, installs the pinned solc
//   node contracts/compile.js [outdir]
//
// The output depends only on the sources and the settings below, so running
// it twice, or on another machine, produces byte-identical files.
'use strict';

const fs = require('fs');
const path = require('path');
const solc = require('solc');

const EXPECTED_SOLC = '0.8.28';
const SOURCE_DIR = path.join(__dirname, 'solidity');
const CONTRACTS = ['ChannelRegistry', 'MonitorRegistry', 'NettingChannel'];

const settings = {
  optimizer: { enabled: true, runs: 200 },
  // go-ethereum's simulated backend and current mainnet both support cancun.
  evmVersion: 'cancun',
  // No IPFS/Swarm hash in the bytecode: comment-only edits do not change it.
  metadata: { bytecodeHash: 'none' },
  outputSelection: {
    '*': { '*': ['abi', 'evm.bytecode.object'] },
  },
};

function main() {
  const version = solc.version();
  if (!version.startsWith(EXPECTED_SOLC + '+')) {
    throw new Error(`solc ${version} installed, ${EXPECTED_SOLC} expected: run npm ci --prefix contracts`);
  }
  const outDir = path.resolve(process.argv[2] || path.join(__dirname, 'build'));

  const sources = {};
  for (const file of fs.readdirSync(SOURCE_DIR).filter((f) => f.endsWith('.sol')).sort()) {
    sources[file] = { content: fs.readFileSync(path.join(SOURCE_DIR, file), 'utf8') };
  }
  const input = { language: 'Solidity', sources, settings };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));

  let failed = false;
  for (const msg of output.errors || []) {
    process.stderr.write((msg.formattedMessage || msg.message) + '\n');
    if (msg.severity === 'error') failed = true;
  }
  if (failed) {
    throw new Error('compilation failed');
  }

  fs.mkdirSync(outDir, { recursive: true });
  for (const name of CONTRACTS) {
    const unit = output.contracts[name + '.sol'];
    const contract = unit && unit[name];
    if (!contract) {
      throw new Error(`no contract ${name} in ${name}.sol`);
    }
    const bin = contract.evm.bytecode.object;
    if (!/^[0-9a-f]+$/.test(bin)) {
      throw new Error(`${name}: bytecode is empty or has unlinked libraries`);
    }
    fs.writeFileSync(path.join(outDir, name + '.abi'), JSON.stringify(contract.abi, null, 2) + '\n');
    fs.writeFileSync(path.join(outDir, name + '.bin'), bin + '\n');
  }
  process.stdout.write(`solc ${version}: wrote ${CONTRACTS.join(', ')} to ${outDir}\n`);
}

try {
  main();
} catch (err) {
  process.stderr.write(`compile.js: ${err.message}\n`);
  process.exit(1);
}
