// Hardhat 2 config for the Payrail local devchain (`npm run devchain`).
//
// Only the in-process "hardhat" network (EDR) matters here: `hardhat node` serves it over JSON-RPC.
// `hardhat node` (2.29) never compiles; contracts are compiled by scripts/devchain-lib.js with the
// `solc` npm package (solc-js) and deployed over RPC. Hardhat's own compile task would try to download
// a native solc, which is impossible offline, so:
//   - paths.sources points at ./contracts but artifacts/cache live under node_modules/.cache, so the
//     node's compiler-output watcher (artifacts/build-info) never sees anything and nothing is written
//     to the repo root;
//   - if someone does run `npx hardhat compile`, the solc-build subtask is overridden below to use the
//     local solc-js instead of downloading.
/* eslint-disable */
const path = require("path");
const { DEV_ACCOUNT_COUNT } = require("./scripts/devchain-lib");

const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";
const SOLC_VERSION = "0.8.37";

const blockMsRaw = process.env.DEVCHAIN_BLOCK_MS;
const blockMs = blockMsRaw === undefined || blockMsRaw === "" ? 1000 : Number(blockMsRaw);
if (!Number.isInteger(blockMs) || blockMs < 0) {
  throw new Error(`DEVCHAIN_BLOCK_MS must be a non-negative integer (ms), got ${JSON.stringify(blockMsRaw)}`);
}

// scripts/devchain-lib.js startDevchain({chainId}) sets it for the node it starts (a second, private dev chain)
const chainIdRaw = process.env.DEVCHAIN_CHAIN_ID;
const chainId = chainIdRaw === undefined || chainIdRaw === "" ? 31337 : Number(chainIdRaw);
if (!Number.isSafeInteger(chainId) || chainId <= 0) {
  throw new Error(`DEVCHAIN_CHAIN_ID must be a positive integer, got ${JSON.stringify(chainIdRaw)}`);
}

// Make `npx hardhat compile` work offline: serve the solc-js build that ships in node_modules.
try {
  const { subtask } = require("hardhat/config");
  const { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } = require("hardhat/builtin-tasks/task-names");
  subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args, _hre, runSuper) => {
    const solc = require("solc");
    const longVersion = solc.version().replace(/\.Emscripten.*$/, "");
    if (args.solcVersion === longVersion.split("+")[0]) {
      return { compilerPath: require.resolve("solc/soljson.js"), isSolcJs: true, version: args.solcVersion, longVersion };
    }
    return runSuper(args);
  });
} catch {
  // hardhat not loadable in this context (config read by another tool): nothing to override.
}

/** @type {import('hardhat/config').HardhatUserConfig} */
module.exports = {
  defaultNetwork: "hardhat",
  solidity: {
    version: SOLC_VERSION,
    settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: "prague" },
  },
  paths: {
    root: __dirname,
    sources: path.join(__dirname, "contracts"),
    tests: path.join(__dirname, "test", "hardhat"),
    cache: path.join(__dirname, "node_modules", ".cache", "payrail-hardhat", "cache"),
    artifacts: path.join(__dirname, "node_modules", ".cache", "payrail-hardhat", "artifacts"),
  },
  networks: {
    hardhat: {
      chainId,
      allowUnlimitedContractSize: false,
      mining: blockMs === 0 ? { auto: true, interval: 0 } : { auto: false, interval: blockMs },
      accounts: {
        mnemonic: HARDHAT_MNEMONIC,
        path: "m/44'/60'/0'/0",
        initialIndex: 0,
        count: DEV_ACCOUNT_COUNT,
        accountsBalance: "10000000000000000000000", // 10000 ETH
      },
    },
  },
};
