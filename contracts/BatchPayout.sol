// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.28;

/// @title BatchPayout
/// @notice Pays many recipients in one transaction. All-or-nothing: if any line fails the whole call reverts
///         with LineFailed(index, reason) and nothing is paid, so a caller can split the batch until the
///         failing line is alone.
/// @dev A line is one uint256: recipient in the low 160 bits, amount in the high 96 bits (2^96 - 1 base units
///      is 7.9e28: 79 billion ETH at 18 decimals, 7.9e22 USDC at 6; a larger amount goes as a plain transfer).
///      32 bytes of calldata per line instead of 64 for two arrays.
///
///      ERC-20 (as Disperse's disperseToken): pull the sum ONCE from msg.sender into this contract
///      (transferFrom(msg.sender, this, total)), then pay each line with transfer(to, amount) from here. A
///      transfer touches two balances and no allowance, so a line costs a fresh recipient about 25k gas,
///      against 51k for a lone transfer transaction. The loop is assembly with one reused call buffer, like
///      GasliteDrop, but unlike it: the total is computed here (never trusted from the caller), return values
///      are checked (a token returning nothing counts as success, as SafeERC20 does), the token must be a
///      contract, and a failing line reverts with its index and the token's revert data.
///
///      Never holds funds between calls: exactly the sum is pulled and all of it paid out in the same call;
///      the ERC-20 path is not payable; the native path requires msg.value == sum; recipients can be neither
///      this contract nor address(0); there is no receive/fallback. Only msg.sender's own funds are ever
///      pulled. A reentrancy lock (transient storage) keeps a token or recipient hook from nesting a batch.
///      Fee-on-transfer tokens are not supported (the pull delivers less than the sum, so a line fails).
///
///      No per-line event: the token's Transfer(this, to, amount) logs (or, for the native coin, the call
///      trace) record each line; one BatchPaid summary per call.
contract BatchPayout {
    /// @notice One per batch. token == address(0) for the native coin.
    event BatchPaid(address indexed payer, address indexed token, uint256 lines, uint256 total);

    /// @notice No lines.
    error EmptyBatch();
    /// @notice The token address has no code (a call to it would "succeed" and move nothing).
    error NotAToken(address token);
    /// @notice payoutNative: msg.value is not the sum of the lines.
    error ValueMismatch(uint256 sent, uint256 total);
    /// @notice The pull of the total from msg.sender failed (allowance, balance, blocklisted payer...);
    ///         reason is the token's revert data.
    error PullFailed(bytes reason);
    /// @notice Line `index` (0-based) failed; reason is the token's (or recipient's) revert data, or the
    ///         encoding of InvalidRecipient() / TokenReturnedFalse().
    error LineFailed(uint256 index, bytes reason);
    /// @notice Carried in LineFailed.reason: the recipient is address(0) or this contract.
    error InvalidRecipient();
    /// @notice Carried in LineFailed/PullFailed.reason: the token returned false (or malformed data).
    error TokenReturnedFalse();
    /// @notice A batch was started from inside a batch.
    error Reentered();

    bool private transient _entered;

    modifier nonReentrant() {
        if (_entered) revert Reentered();
        _entered = true;
        _;
        _entered = false;
    }

    /// @notice Pays ERC-20 `token` to every line from msg.sender's funds; msg.sender must have approved this
    ///         contract for at least the sum of the amounts.
    function payout(address token, uint256[] calldata lines) external nonReentrant {
        uint256 n = lines.length;
        if (n == 0) revert EmptyBatch();
        if (token.code.length == 0) revert NotAToken(token);
        uint256 total = _sum(lines);

        _pull(token, total);

        uint256 failedAt; // index + 1 of the failed line, 0 = none
        bool returnedFalse;
        assembly ("memory-safe") {
            // transfer(address,uint256) call buffer at the free memory pointer, reused for every line
            let buf := mload(0x40)
            mstore(buf, shl(224, 0xa9059cbb))
            let end := add(lines.offset, shl(5, n))
            for { let p := lines.offset } lt(p, end) { p := add(p, 0x20) } {
                let line := calldataload(p)
                mstore(add(buf, 0x04), shr(96, shl(96, line))) // to: low 160 bits
                mstore(add(buf, 0x24), shr(160, line)) // amount: high 96 bits
                let ok := call(gas(), token, 0, buf, 0x44, 0x00, 0x20)
                // success = the call did not revert and returned nothing or a word equal to 1 (true)
                if and(ok, gt(returndatasize(), 0)) {
                    if iszero(and(gt(returndatasize(), 0x1f), eq(mload(0x00), 1))) {
                        ok := 0
                        returnedFalse := 1
                    }
                }
                if iszero(ok) {
                    failedAt := add(shr(5, sub(p, lines.offset)), 1)
                    break
                }
            }
        }
        if (failedAt != 0) {
            revert LineFailed(failedAt - 1, returnedFalse ? abi.encodeWithSelector(TokenReturnedFalse.selector) : _returnData());
        }
        emit BatchPaid(msg.sender, token, n, total);
    }

    /// @notice Pays the native coin to every line; msg.value must equal the sum of the amounts. Each recipient
    ///         gets all remaining gas (contract wallets may need it); one that reverts fails its line.
    function payoutNative(uint256[] calldata lines) external payable nonReentrant {
        uint256 n = lines.length;
        if (n == 0) revert EmptyBatch();
        uint256 total = _sum(lines);
        if (msg.value != total) revert ValueMismatch(msg.value, total);

        uint256 failedAt;
        assembly ("memory-safe") {
            let end := add(lines.offset, shl(5, n))
            for { let p := lines.offset } lt(p, end) { p := add(p, 0x20) } {
                let line := calldataload(p)
                if iszero(call(gas(), shr(96, shl(96, line)), shr(160, line), 0, 0, 0, 0)) {
                    failedAt := add(shr(5, sub(p, lines.offset)), 1)
                    break
                }
            }
        }
        if (failedAt != 0) revert LineFailed(failedAt - 1, _returnData());
        emit BatchPaid(msg.sender, address(0), n, total);
    }

    /// @dev transferFrom(msg.sender, this, total): the only place funds are pulled, and only from the caller.
    function _pull(address token, uint256 total) private {
        (bool pulled, bytes memory ret) = token.call(abi.encodeWithSelector(0x23b872dd, msg.sender, address(this), total));
        if (!pulled) revert PullFailed(ret);
        if (ret.length != 0 && (ret.length < 32 || abi.decode(ret, (uint256)) != 1)) {
            revert PullFailed(abi.encodeWithSelector(TokenReturnedFalse.selector));
        }
    }

    /// @dev Sum of the amounts; rejects a line to address(0) or to this contract (funds would stay here).
    ///      Cannot overflow: each amount is below 2^96 and a calldata array has far fewer than 2^160 lines.
    function _sum(uint256[] calldata lines) private view returns (uint256 total) {
        uint256 n = lines.length;
        for (uint256 i; i < n; ) {
            uint256 line = lines[i];
            address to = address(uint160(line));
            if (to == address(0) || to == address(this)) {
                revert LineFailed(i, abi.encodeWithSelector(InvalidRecipient.selector));
            }
            unchecked {
                total += line >> 160;
                ++i;
            }
        }
    }

    /// @dev The return data of the last external call (the failed line's revert data).
    function _returnData() private pure returns (bytes memory data) {
        assembly ("memory-safe") {
            data := mload(0x40)
            mstore(data, returndatasize())
            returndatacopy(add(data, 0x20), 0, returndatasize())
            mstore(0x40, add(add(data, 0x20), and(add(returndatasize(), 0x1f), not(0x1f))))
        }
    }
}
